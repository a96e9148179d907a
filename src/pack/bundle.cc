#include "pack/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace fantrace::pack {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_free(a); }  // closes too
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown libarchive error";
}

Status WriteData(archive* a, const char* data, size_t size, const std::string& name) {
  if (archive_write_data(a, data, size) != static_cast<la_ssize_t>(size))
    return MakeError(fmt::format("writing {} into the bundle failed: {}", name, ArchiveError(a)));
  return Ok{};
}

void SetCommon(archive_entry* e, const std::string& name, const FileEntry& f) {
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_perm(e, f.mode & 07777);
  archive_entry_set_uid(e, f.uid);
  archive_entry_set_gid(e, f.gid);
  if (!f.owner.empty()) archive_entry_set_uname(e, f.owner.c_str());
  if (!f.group.empty()) archive_entry_set_gname(e, f.group.c_str());
  archive_entry_set_mtime(e, f.mtime_ns / 1'000'000'000, f.mtime_ns % 1'000'000'000);
}

Status WriteFileMember(archive* a, const FileEntry& f) {
  std::string name = std::string(kRootMember) + f.path;
  EntryPtr e(archive_entry_new());
  SetCommon(e.get(), name, f);
  int fd = -1;
  if (f.type == "directory") {
    archive_entry_set_filetype(e.get(), AE_IFDIR);
  } else if (f.type == "symlink") {
    archive_entry_set_filetype(e.get(), AE_IFLNK);
    archive_entry_set_symlink(e.get(), f.target.c_str());
  } else {
    fd = open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return MakeError(fmt::format("cannot read {}: {}", f.path, strerror(errno)));
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(f.size));
  }
  if (archive_write_header(a, e.get()) != ARCHIVE_OK) {
    if (fd >= 0) close(fd);
    return MakeError(fmt::format("writing {} into the bundle failed: {}", f.path, ArchiveError(a)));
  }
  if (fd < 0) return Ok{};
  std::unique_ptr<char[]> buf(new char[1 << 16]);
  uint64_t done = 0;
  Status st = Ok{};
  while (st && done < f.size) {
    ssize_t n = read(fd, buf.get(), std::min<uint64_t>(1 << 16, f.size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      st = MakeError(fmt::format("{} changed while it was packed (it is shorter than the {} bytes hashed): pack again",
                                 f.path, f.size));
      break;
    }
    st = WriteData(a, buf.get(), static_cast<size_t>(n), f.path);
    done += static_cast<uint64_t>(n);
  }
  close(fd);
  return st;
}

// A member name a reader accepts: manifest.json or root/..., relative, no "..".
bool SafeMemberName(const std::string& name) {
  if (name == kManifestMember) return true;
  if (!name.starts_with(std::string(kRootMember) + "/") && name != kRootMember && name != std::string(kRootMember) + "/")
    return false;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string::npos) j = name.size();
    if (name.compare(i, j - i, "..") == 0 && j - i == 2) return false;
    i = j + 1;
  }
  return true;
}

Result<ArchivePtr> OpenForReading(const std::string& bundle) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), bundle.c_str(), 1 << 16) != ARCHIVE_OK)
    return MakeError(fmt::format("cannot open the bundle {}: {}", bundle, ArchiveError(a.get())));
  return a;
}

}  // namespace

Status WriteBundle(const std::string& out, const Manifest& manifest) {
  std::string part = out + ".part";
  ArchivePtr a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_add_filter_zstd(a.get()) != ARCHIVE_OK)
    return MakeError(fmt::format("libarchive has no zstd here: {}", ArchiveError(a.get())));
  if (archive_write_open_filename(a.get(), part.c_str()) != ARCHIVE_OK)
    return MakeError(fmt::format("cannot create {}: {}", part, ArchiveError(a.get())));
  auto fail = [&](const Error& e) -> Status {
    a.reset();
    unlink(part.c_str());
    return e;
  };
  std::string text = ManifestToJson(manifest);
  EntryPtr e(archive_entry_new());
  archive_entry_set_pathname(e.get(), kManifestMember);
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(text.size()));
  archive_entry_set_mtime(e.get(), manifest.created_ns / 1'000'000'000, 0);
  if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
    return fail(MakeError(fmt::format("writing {} failed: {}", part, ArchiveError(a.get()))));
  if (Status st = WriteData(a.get(), text.data(), text.size(), kManifestMember); !st) return fail(st.error());
  for (const FileEntry& f : manifest.files) {
    if (!f.included) continue;
    if (Status st = WriteFileMember(a.get(), f); !st) return fail(st.error());
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    return fail(MakeError(fmt::format("finishing {} failed: {}", part, ArchiveError(a.get()))));
  if (rename(part.c_str(), out.c_str()) != 0)
    return fail(MakeError(fmt::format("cannot rename {} to {}: {}", part, out, strerror(errno))));
  return Ok{};
}

Result<Manifest> ReadBundleManifest(const std::string& bundle) {
  Result<ArchivePtr> a = OpenForReading(bundle);
  if (!a) return a.error();
  archive_entry* e = nullptr;
  if (archive_read_next_header(a->get(), &e) != ARCHIVE_OK || std::string(archive_entry_pathname(e)) != kManifestMember)
    return MakeError(fmt::format("{} is not a fantrace bundle (its first member is not {})", bundle, kManifestMember));
  la_int64_t size = archive_entry_size(e);
  if (size < 0 || size > (256 << 20)) return MakeError(fmt::format("{}: the manifest's size is not plausible", bundle));
  std::string text(static_cast<size_t>(size), '\0');
  if (archive_read_data(a->get(), text.data(), text.size()) != size)
    return MakeError(fmt::format("{}: cannot read the manifest: {}", bundle, ArchiveError(a->get())));
  Result<Manifest> m = ManifestFromJson(text);
  if (!m) return MakeError(fmt::format("{}: {}", bundle, m.error().message));
  return m;
}

Status ExtractBundle(const std::string& bundle, const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return MakeError(fmt::format("cannot create {}: {}", dir, strerror(errno)));
  Result<ArchivePtr> a = OpenForReading(bundle);
  if (!a) return a.error();
  ArchivePtr disk(archive_write_disk_new());
  int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
              ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
  if (geteuid() == 0) flags |= ARCHIVE_EXTRACT_OWNER;
  archive_write_disk_set_options(disk.get(), flags);
  archive_write_disk_set_standard_lookup(disk.get());
  // Relative member names against `dir`: the secure flags then check the
  // bundle's own paths only.
  int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (here < 0 || chdir(dir.c_str()) != 0) {
    if (here >= 0) close(here);
    return MakeError(fmt::format("cannot enter {}: {}", dir, strerror(errno)));
  }
  Status st = Ok{};
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    if (!SafeMemberName(name)) {
      st = MakeError(fmt::format("{}: refusing the member '{}' (outside manifest.json and root/)", bundle, name));
      break;
    }
    if (archive_entry_hardlink(e)) {
      st = MakeError(fmt::format("{}: refusing the hard link member '{}'", bundle, name));
      break;
    }
    if (archive_write_header(disk.get(), e) != ARCHIVE_OK) {
      st = MakeError(fmt::format("cannot unpack {}: {}", name, ArchiveError(disk.get())));
      break;
    }
    const void* block;
    size_t size;
    la_int64_t offset;
    int d;
    while ((d = archive_read_data_block(a->get(), &block, &size, &offset)) == ARCHIVE_OK) {
      if (archive_write_data_block(disk.get(), block, size, offset) != ARCHIVE_OK) {
        d = ARCHIVE_FATAL;
        break;
      }
    }
    if (d != ARCHIVE_EOF) {
      st = MakeError(fmt::format("cannot unpack {}: {}", name, ArchiveError(d == ARCHIVE_FATAL ? disk.get() : a->get())));
      break;
    }
    archive_write_finish_entry(disk.get());
  }
  if (st && r != ARCHIVE_EOF) st = MakeError(fmt::format("{} is damaged: {}", bundle, ArchiveError(a->get())));
  if (archive_write_close(disk.get()) != ARCHIVE_OK && st)
    st = MakeError(fmt::format("cannot finish unpacking: {}", ArchiveError(disk.get())));
  if (fchdir(here) != 0 && st) st = MakeError(fmt::format("cannot return to the working directory: {}", strerror(errno)));
  close(here);
  return st;
}

}  // namespace fantrace::pack
