#include "pack/oci_image.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "pack/bundle.h"
#include "pack/json_bytes.h"
#include "pack/manifest.h"

namespace fantrace::pack {
namespace {

constexpr const char* kLayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr const char* kConfigType = "application/vnd.oci.image.config.v1+json";
constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    std::string hex;
    for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
    return hex;
  }

 private:
  EVP_MD_CTX* ctx_;
};

std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown libarchive error";
}

struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) unlink(path.c_str());
  }
};

Result<TempFile> MakeTemp(const std::string& near) {
  TempFile t{near + ".layer-XXXXXX"};
  int fd = mkstemp(t.path.data());
  if (fd < 0) {
    std::string failed = t.path;
    t.path.clear();
    return MakeError(fmt::format("cannot create {}: {}", failed, strerror(errno)));
  }
  close(fd);
  return t;
}

void AddDirectory(archive* a, const std::string& name, mode_t mode) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFDIR);
  archive_entry_set_perm(e, mode);
  archive_write_header(a, e);
  archive_entry_free(e);
}

Status AddBytes(archive* a, const std::string& name, const std::string& bytes) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
  bool ok = archive_write_header(a, e) == ARCHIVE_OK &&
            archive_write_data(a, bytes.data(), bytes.size()) == static_cast<la_ssize_t>(bytes.size());
  archive_entry_free(e);
  if (!ok) return MakeError(fmt::format("writing {} failed: {}", name, ArchiveError(a)));
  return Ok{};
}

// The bundle's members rewritten as an image layer (uncompressed tar).
Status WriteLayerTar(const std::string& bundle, const std::string& out) {
  ArchivePtr in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  if (archive_read_open_filename(in.get(), bundle.c_str(), 1 << 16) != ARCHIVE_OK)
    return MakeError(fmt::format("cannot open the bundle {}: {}", bundle, ArchiveError(in.get())));
  ArchivePtr w(archive_write_new());
  archive_write_set_format_pax_restricted(w.get());
  if (archive_write_open_filename(w.get(), out.c_str()) != ARCHIVE_OK)
    return MakeError(fmt::format("cannot create {}: {}", out, ArchiveError(w.get())));
  std::set<std::string> names;
  archive_entry* e = nullptr;
  int r;
  std::string root = std::string(kRootMember) + "/";
  while ((r = archive_read_next_header(in.get(), &e)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    if (name == kManifestMember) {
      AddDirectory(w.get(), ".fantrace", 0755);
      name = ".fantrace/manifest.json";
    } else if (name.starts_with(root) && name.size() > root.size()) {
      name = name.substr(root.size());
    } else {
      continue;
    }
    while (name.size() > 1 && name.ends_with('/')) name.pop_back();
    names.insert(name);
    archive_entry_set_pathname(e, name.c_str());
    if (archive_write_header(w.get(), e) != ARCHIVE_OK)
      return MakeError(fmt::format("writing the layer failed at {}: {}", name, ArchiveError(w.get())));
    const void* block;
    size_t size;
    la_int64_t offset;
    while ((r = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK)
      if (archive_write_data(w.get(), block, size) < 0)
        return MakeError(fmt::format("writing the layer failed at {}: {}", name, ArchiveError(w.get())));
    if (r != ARCHIVE_EOF) return MakeError(fmt::format("{} is damaged: {}", bundle, ArchiveError(in.get())));
  }
  if (r != ARCHIVE_EOF) return MakeError(fmt::format("{} is damaged: {}", bundle, ArchiveError(in.get())));
  // Mount points the runtime fills; /tmp as a fresh writable directory.
  for (auto [dir, mode] : {std::pair{"tmp", 01777}, {"proc", 0555}, {"dev", 0755}, {"sys", 0555}})
    if (!names.count(dir)) AddDirectory(w.get(), dir, mode);
  if (archive_write_close(w.get()) != ARCHIVE_OK)
    return MakeError(fmt::format("finishing the layer failed: {}", ArchiveError(w.get())));
  return Ok{};
}

Status Gzip(const std::string& from, const std::string& to) {
  FILE* in = fopen(from.c_str(), "rbe");
  if (!in) return MakeError(fmt::format("cannot read {}: {}", from, strerror(errno)));
  gzFile out = gzopen(to.c_str(), "wb6");
  if (!out) {
    fclose(in);
    return MakeError(fmt::format("cannot create {}", to));
  }
  std::unique_ptr<char[]> buf(new char[1 << 16]);
  size_t n;
  bool ok = true;
  while (ok && (n = fread(buf.get(), 1, 1 << 16, in)) > 0) ok = gzwrite(out, buf.get(), static_cast<unsigned>(n)) > 0;
  fclose(in);
  if (gzclose(out) != Z_OK || !ok) return MakeError(fmt::format("compressing the layer into {} failed", to));
  return Ok{};
}

uint64_t SizeOf(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

Status AddFile(archive* a, const std::string& name, const std::string& path) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(SizeOf(path)));
  bool ok = archive_write_header(a, e) == ARCHIVE_OK;
  archive_entry_free(e);
  FILE* in = fopen(path.c_str(), "rbe");
  if (!ok || !in) {
    if (in) fclose(in);
    return MakeError(fmt::format("writing {} failed: {}", name, ArchiveError(a)));
  }
  std::unique_ptr<char[]> buf(new char[1 << 16]);
  size_t n;
  while (ok && (n = fread(buf.get(), 1, 1 << 16, in)) > 0) ok = archive_write_data(a, buf.get(), n) >= 0;
  fclose(in);
  if (!ok) return MakeError(fmt::format("writing {} failed: {}", name, ArchiveError(a)));
  return Ok{};
}

}  // namespace

Result<std::string> Sha256File(const std::string& path) {
  FILE* in = fopen(path.c_str(), "rbe");
  if (!in) return MakeError(fmt::format("cannot read {}: {}", path, strerror(errno)));
  Sha256 h;
  std::unique_ptr<char[]> buf(new char[1 << 16]);
  size_t n;
  while ((n = fread(buf.get(), 1, 1 << 16, in)) > 0) h.Update(buf.get(), n);
  fclose(in);
  return h.Hex();
}

std::string Sha256Bytes(const std::string& bytes) {
  Sha256 h;
  h.Update(bytes.data(), bytes.size());
  return h.Hex();
}

Status ExportImage(const std::string& bundle, const std::string& out, const std::string& tag) {
  Result<Manifest> m = ReadBundleManifest(bundle);
  if (!m) return m.error();
  Result<TempFile> layer_tar = MakeTemp(out);
  if (!layer_tar) return layer_tar.error();
  Result<TempFile> layer_gz = MakeTemp(out);
  if (!layer_gz) return layer_gz.error();
  if (Status st = WriteLayerTar(bundle, layer_tar->path); !st) return st;
  Result<std::string> diff_id = Sha256File(layer_tar->path);
  if (!diff_id) return diff_id.error();
  if (Status st = Gzip(layer_tar->path, layer_gz->path); !st) return st;
  Result<std::string> layer_digest = Sha256File(layer_gz->path);
  if (!layer_digest) return layer_digest.error();

  Json env = Json::array();
  for (const auto& [name, value] : m->env) env.push_back(JsonSafe(name + "=" + value));
  Json entrypoint = Json::array();
  for (const std::string& a : m->argv) entrypoint.push_back(JsonSafe(a));
  Json config = {
      {"architecture", m->machine == "x86_64" ? "amd64" : m->machine == "aarch64" ? "arm64" : m->machine},
      {"os", "linux"},
      {"config",
       {{"Entrypoint", entrypoint}, {"Env", env}, {"WorkingDir", JsonSafe(m->cwd)},
        {"User", fmt::format("{}:{}", m->uid, m->gid)},
        {"Labels", {{"org.opencontainers.image.description", "fantrace pack of a traced command"}}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + *diff_id}}}},
      {"history", {{{"created_by", "fantrace pack"}}}},
  };
  std::string config_text = DumpJsonBytes(config);
  std::string config_digest = Sha256Bytes(config_text);
  Json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"config", {{"mediaType", kConfigType}, {"digest", "sha256:" + config_digest}, {"size", config_text.size()}}},
      {"layers",
       {{{"mediaType", kLayerType}, {"digest", "sha256:" + *layer_digest}, {"size", SizeOf(layer_gz->path)}}}},
  };
  std::string manifest_text = manifest.dump();
  std::string manifest_digest = Sha256Bytes(manifest_text);
  Json index = {
      {"schemaVersion", 2},
      {"manifests",
       {{{"mediaType", kManifestType},
         {"digest", "sha256:" + manifest_digest},
         {"size", manifest_text.size()},
         {"annotations", {{"org.opencontainers.image.ref.name", tag}}}}}},
  };

  std::string part = out + ".part";
  ArchivePtr a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_filename(a.get(), part.c_str()) != ARCHIVE_OK)
    return MakeError(fmt::format("cannot create {}: {}", part, ArchiveError(a.get())));
  Status st = AddBytes(a.get(), "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  if (st) st = AddBytes(a.get(), "index.json", index.dump());
  if (st) {
    AddDirectory(a.get(), "blobs", 0755);
    AddDirectory(a.get(), "blobs/sha256", 0755);
    st = AddBytes(a.get(), "blobs/sha256/" + manifest_digest, manifest_text);
  }
  if (st) st = AddBytes(a.get(), "blobs/sha256/" + config_digest, config_text);
  if (st) st = AddFile(a.get(), "blobs/sha256/" + *layer_digest, layer_gz->path);
  if (st && archive_write_close(a.get()) != ARCHIVE_OK)
    st = MakeError(fmt::format("finishing {} failed: {}", part, ArchiveError(a.get())));
  a.reset();
  if (st && rename(part.c_str(), out.c_str()) != 0)
    st = MakeError(fmt::format("cannot rename {} to {}: {}", part, out, strerror(errno)));
  if (!st) unlink(part.c_str());
  return st;
}

}  // namespace fantrace::pack
