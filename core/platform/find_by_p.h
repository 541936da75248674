#pragma once
// Private to core: the lookup of a result struct's entry by a member (a point's name, an
// accuracy row's label, an op's name), written once for every result type.
#include <iterator>

namespace cs::detail {

// The first element of `items` whose `member` equals `value`, or nullptr.
template <class Items, class Member, class Value>
auto findBy(const Items& items, Member member, const Value& value) -> decltype(&*std::begin(items))
{
    for (const auto& item : items)
        if (item.*member == value)
            return &item;
    return nullptr;
}

} // namespace cs::detail
