// RSA-OAEP with SHA-256 and MGF1-SHA-256, the scheme Intel uses to encrypt a
// platform's PPID to the PCS key (the 384-byte `encrypted_ppid` of RSA-3072).
// The product never decrypts PPIDs; the simulator does, to recognise the
// platform behind a request, and tests round-trip through it.
// Thread-safety: pure functions; reentrant.
#pragma once

#include "core/bytes.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"

namespace thim::crypto {

// The key size of Intel's PPID encryption key (PPID-Encryption-Key: RSA-3072).
inline constexpr int kPpidEncryptionKeyBits = 3072;

// A fresh RSA-3072 key for PPID encryption.
StatusOr<PrivateKey> GeneratePpidEncryptionKey();

// Encrypts `plaintext` (at most modulus bytes − 66) to `key` (an RSA public
// key). InvalidArgument when the key is not RSA or the plaintext too long.
StatusOr<Bytes> RsaOaepSha256Encrypt(const PublicKey& key, ByteSpan plaintext);

// Decrypts an OAEP ciphertext with `key`. DataLoss when the ciphertext was
// not made for this key or was altered; InvalidArgument when the key is not RSA.
StatusOr<Bytes> RsaOaepSha256Decrypt(const PrivateKey& key, ByteSpan ciphertext);

}  // namespace thim::crypto
