// Placeholder until the observer library lands.
namespace cs::obs { int placeholder() { return 0; } }
