#include "sim/pki/state_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/pem.h"

namespace thim::sim {
namespace {

Status Errno(const std::string& what, const std::filesystem::path& path) {
  return UnavailableError(what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

Status WriteStateFile(const std::filesystem::path& path, std::string_view data, bool secret) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return UnavailableError("cannot create " + path.parent_path().string() + ": " + ec.message());
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp = path;
  tmp += ".tmp" + std::to_string(::getpid()) + "." + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, secret ? 0600 : 0644);
  if (fd < 0) return Errno("cannot create", tmp);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status st = Errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return st;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Status st = Errno("cannot write", tmp);
    ::unlink(tmp.c_str());
    return st;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = Errno("cannot rename to", path);
    ::unlink(tmp.c_str());
    return st;
  }
  return OkStatus();
}

Status SaveIssuedPair(const std::filesystem::path& dir, const std::string& name, const IssuedCert& pair) {
  RETURN_IF_ERROR(WriteStateFile(dir / (name + ".pem"), EncodePem("CERTIFICATE", pair.cert.der()), false));
  return WriteStateFile(dir / (name + ".key"), pair.key.ToPem(), true);
}

StatusOr<IssuedCert> LoadIssuedPair(const std::filesystem::path& dir, const std::string& name) {
  std::filesystem::path cert_path = dir / (name + ".pem"), key_path = dir / (name + ".key");
  auto cert_pem = ReadFileString(cert_path.string(), 1 << 20);
  if (!cert_pem.ok()) return cert_pem.status().WithContext(cert_path.string());
  auto key_pem = ReadFileString(key_path.string(), 1 << 20);
  if (!key_pem.ok()) return key_pem.status().WithContext(key_path.string());
  auto cert = crypto::Certificate::FromPem(*cert_pem);
  if (!cert.ok()) return DataLossError(cert_path.string() + ": " + cert.status().message());
  auto key = crypto::PrivateKey::FromPem(*key_pem);
  if (!key.ok()) return DataLossError(key_path.string() + ": " + key.status().message());
  if (key->public_key().SpkiDer() != cert->public_key().SpkiDer())
    return DataLossError(key_path.string() + " is not the key of " + cert_path.string());
  return IssuedCert{*cert, *key};
}

std::string EncodeIssuedPem(const IssuedCert& pair) { return EncodePem("CERTIFICATE", pair.cert.der()) + pair.key.ToPem(); }

StatusOr<IssuedCert> DecodeIssuedPem(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, ParsePem(text));
  const PemBlock* cert_block = nullptr;
  const PemBlock* key_block = nullptr;
  for (const auto& b : blocks) {
    if (b.label == "CERTIFICATE" && !cert_block) cert_block = &b;
    if (b.label == "PRIVATE KEY" && !key_block) key_block = &b;
  }
  if (!cert_block || !key_block) return DataLossError("expected a CERTIFICATE and a PRIVATE KEY block");
  ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::Certificate::FromDer(cert_block->der));
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(EncodePem("PRIVATE KEY", key_block->der)));
  if (key.public_key().SpkiDer() != cert.public_key().SpkiDer()) return DataLossError("the key is not the certificate's");
  return IssuedCert{cert, key};
}

}  // namespace thim::sim
