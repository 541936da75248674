// An image folder: class subfolders sorted by name give the labels (torchvision's
// ImageFolder order), or images directly inside for an unlabelled set. Every file is
// decoded once here so that size() is exact and index i always maps to the same file;
// unreadable files are skipped with a warning instead of failing the run.
#include "core/dataset/image_pipeline_p.h"
#include "core/dataset/sample_normalizer_p.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>

namespace cs {
namespace {

// Per-file warnings beyond this are summed up in one line; a folder of 10,000 stray files
// should not bury the log.
constexpr size_t kMaxFileWarnings = 50;

bool hasImageExtension(const QString& fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    return suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg") || suffix == QLatin1String("png")
        || suffix == QLatin1String("bmp");
}

// Sorted by the UTF-8 bytes of the name, which is Python's code-point order: the class
// indices then match torchvision.datasets.ImageFolder on the same folder.
std::vector<std::string> sortedNames(const QStringList& names)
{
    std::vector<std::string> sorted;
    for (const QString& name : names)
        sorted.push_back(name.toStdString());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

// Files below `dir` (recursively, as torchvision walks), relative to it, sorted.
std::vector<std::string> filesBelow(const QString& dir)
{
    QStringList names;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    const QDir base(dir);
    while (it.hasNext())
        names.push_back(base.relativeFilePath(it.next()));
    return sortedNames(names);
}

struct ImageFile {
    std::string path;
    int64_t label = -1;
};

class ImageFolderSource : public DatasetSource {
public:
    ImageFolderSource(const DatasetSpec& spec, const ProgressCallback& progress)
        : m_path(spec.path), m_pipeline(spec.preprocess)
    {
        const QString root = QString::fromStdString(spec.path);
        const QFileInfo rootInfo(root);
        if (!rootInfo.exists())
            throw dataError(m_path, "no such folder");
        if (!rootInfo.isDir())
            throw dataError(m_path, "not a folder");

        const std::vector<ImageFile> candidates = listCandidates(root);
        if (candidates.empty())
            throw dataError(m_path, "empty dataset: no files found");
        validate(candidates, spec, progress);
        if (m_files.empty())
            throw dataError(m_path, "no usable images (" + std::to_string(m_skipped) + " files skipped"
                                        + (m_warnings.empty() ? std::string(")") : "; first: " + m_warnings.front() + ")"));
        if (m_skipped > int64_t(kMaxFileWarnings))
            m_warnings.push_back("... and " + std::to_string(m_skipped - int64_t(kMaxFileWarnings))
                                 + " more files skipped");
    }

    int64_t size() const override { return int64_t(m_files.size()); }
    std::vector<int64_t> sampleShape() const override { return m_sampleShape; }
    std::string path() const override { return m_path; }
    bool hasLabels() const override { return !m_classNames.empty(); }
    int64_t label(int64_t index) const override { return m_files[size_t(index)].label; }
    std::vector<std::string> classNames() const override { return m_classNames; }
    int64_t skippedCount() const override { return m_skipped; }
    std::vector<std::string> warnings() const override { return m_warnings; }

    void readSample(int64_t index, float* out) const override
    {
        const ImageFile& file = m_files[size_t(index)];
        const cv::Mat image = decode(file.path);
        // Decoded fine when the folder was opened; failing now means the file changed since.
        if (image.empty() || image.cols != m_decodedSizes[size_t(index)].width
            || image.rows != m_decodedSizes[size_t(index)].height)
            throw dataError(file.path, "image changed or became unreadable after the dataset was opened");
        m_pipeline.toChw(image, out);
        m_normalizer.apply(out);
    }

private:
    // Empty when OpenCV cannot decode the file; `why` then says why if OpenCV did (an image
    // whose header declares more pixels than OpenCV accepts raises instead of returning empty).
    cv::Mat decode(const std::string& path, std::string* why = nullptr) const
    {
        try {
            return cv::imread(QFile::encodeName(QString::fromStdString(path)).toStdString(), m_pipeline.imreadFlags());
        } catch (const cv::Exception& e) {
            if (why)
                *why = e.err.empty() ? std::string("OpenCV refused it") : e.err;
            return {};
        }
    }

    // cv::haveImageReader reads the header too, and raises on some (a BMP declaring more
    // pixels than OpenCV accepts).
    static bool sniffImage(const std::string& encodedPath, std::string* why)
    {
        try {
            return cv::haveImageReader(encodedPath);
        } catch (const cv::Exception& e) {
            *why = e.err.empty() ? std::string("OpenCV refused it") : e.err;
            return false;
        }
    }

    // Only regular files (after following symlinks) are read: a FIFO or device would block
    // or never end.
    static bool isRegularFile(const std::string& encodedPath)
    {
        struct stat st {};
        return ::stat(encodedPath.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }

    std::vector<ImageFile> listCandidates(const QString& root)
    {
        const QDir dir(root);
        // QDir lists a symlink to a FIFO among the folders: only real folders are classes (the
        // rest are files, which validate() skips when they are not regular).
        std::vector<std::string> classes;
        for (const std::string& name : sortedNames(dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))) {
            struct stat st {};
            const QByteArray encoded = QFile::encodeName(dir.filePath(QString::fromStdString(name)));
            if (::stat(encoded.constData(), &st) == 0 && S_ISDIR(st.st_mode))
                classes.push_back(name);
        }
        const std::vector<std::string> loose = sortedNames(dir.entryList(QDir::Files));
        std::vector<ImageFile> files;
        if (classes.empty()) {
            // No subfolders: an unlabelled set of images, the usual calibration folder.
            for (const std::string& name : loose)
                files.push_back({dir.filePath(QString::fromStdString(name)).toStdString(), -1});
            return files;
        }
        if (!loose.empty())
            m_warnings.push_back(m_path + ": " + std::to_string(loose.size())
                                 + " files directly in the folder are ignored (images belong in class subfolders)");
        for (size_t label = 0; label < classes.size(); ++label) {
            m_classNames.push_back(classes[label]);
            const QString classDir = dir.filePath(QString::fromStdString(classes[label]));
            const std::vector<std::string> names = filesBelow(classDir);
            if (names.empty())
                m_warnings.push_back(classDir.toStdString() + ": class folder has no files");
            for (const std::string& name : names)
                files.push_back({QDir(classDir).filePath(QString::fromStdString(name)).toStdString(), int64_t(label)});
        }
        return files;
    }

    void skip(const std::string& path, const std::string& reason)
    {
        ++m_skipped;
        if (size_t(m_skipped) <= kMaxFileWarnings)
            m_warnings.push_back(path + ": skipped, " + reason);
    }

    void validate(const std::vector<ImageFile>& candidates, const DatasetSpec& spec, const ProgressCallback& progress)
    {
        std::string firstPath;
        cv::Size firstSize;
        int channels = 0;
        for (size_t i = 0; i < candidates.size(); ++i) {
            if (progress && !progress({"scanning images", int64_t(i), int64_t(candidates.size()), 0, ""}))
                throw JobCancelled();
            const ImageFile& file = candidates[i];
            const std::string encoded = QFile::encodeName(QString::fromStdString(file.path)).toStdString();
            if (!hasImageExtension(QString::fromStdString(file.path))) {
                skip(file.path, "not a .jpg/.jpeg/.png/.bmp image");
                continue;
            }
            if (!isRegularFile(encoded)) {
                skip(file.path, "not a regular file");
                continue;
            }
            // haveImageReader only sniffs the signature; the decode catches corrupt bodies.
            cv::Mat image;
            std::string why;
            if (sniffImage(encoded, &why))
                image = decode(file.path, &why);
            if (image.empty()) {
                skip(file.path, "not a readable image" + (why.empty() ? std::string() : " (" + why + ")"));
                continue;
            }
            std::string problem;
            const cv::Size size = m_pipeline.outputSize(image.size(), &problem);
            if (!problem.empty())
                throw dataError(file.path, problem);
            if (firstPath.empty()) {
                firstPath = file.path;
                firstSize = size;
                channels = m_pipeline.outputChannels(image.channels());
            } else if (size != firstSize) {
                const bool resized = spec.preprocess.hasResize() || spec.preprocess.hasCrop();
                throw dataError(file.path, std::string("image size ") + formatSize(size) + " differs from "
                                               + formatSize(firstSize) + " of " + firstPath
                                               + (resized ? " after resizing and cropping"
                                                          : "; set resize or center_crop in the preprocessing"));
            }
            m_files.push_back(file);
            m_decodedSizes.push_back(image.size());
        }
        if (progress && !progress({"scanning images", int64_t(candidates.size()), int64_t(candidates.size()), 0, ""}))
            throw JobCancelled();
        if (m_files.empty())
            return;
        m_sampleShape = {channels, firstSize.height, firstSize.width};
        m_normalizer = SampleNormalizer(spec.preprocess, m_sampleShape, true, m_path);
    }

    std::string m_path;
    ImagePipeline m_pipeline;
    SampleNormalizer m_normalizer;
    std::vector<ImageFile> m_files;
    std::vector<cv::Size> m_decodedSizes;  // to notice files replaced after opening
    std::vector<std::string> m_classNames;
    std::vector<int64_t> m_sampleShape;
    int64_t m_skipped = 0;
    std::vector<std::string> m_warnings;
};

} // namespace

std::unique_ptr<DatasetSource> openImageFolderSource(const DatasetSpec& spec, const ProgressCallback& progress)
{
    return std::make_unique<ImageFolderSource>(spec, progress);
}

} // namespace cs
