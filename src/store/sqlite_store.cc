#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>

#include "store/rollback.h"

namespace thim::store {
namespace {

// Ordered migrations: index i upgrades user_version i to i + 1. Never edit
// one that shipped; append.
const char* const kMigrations[] = {
    R"SQL(
      CREATE TABLE collateral (
        key               TEXT PRIMARY KEY,
        kind              TEXT NOT NULL,
        body              BLOB NOT NULL,
        issuer_chain      TEXT NOT NULL,
        content_type      TEXT NOT NULL,
        issue_date        INTEGER NOT NULL,
        next_update       INTEGER NOT NULL,
        evaluation_number INTEGER NOT NULL,
        fetched_at        INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX collateral_kind ON collateral(kind);
    )SQL",
    R"SQL(
      CREATE TABLE platforms (
        id                 TEXT PRIMARY KEY,
        qe_id              TEXT NOT NULL,
        pce_id             TEXT NOT NULL,
        encrypted_ppid     TEXT NOT NULL,
        platform_manifest  TEXT NOT NULL,
        fmspc              TEXT NOT NULL,
        ca_type            TEXT NOT NULL,
        ppid               TEXT NOT NULL,
        pck_certs          BLOB NOT NULL,
        issuer_chain       TEXT NOT NULL,
        certs_fetched_at   INTEGER NOT NULL,
        levels_eval_number INTEGER NOT NULL,
        registered_at      INTEGER NOT NULL,
        raw_tcbs           TEXT NOT NULL,
        source             TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX platforms_fmspc ON platforms(fmspc);
    )SQL",
};
static_assert(std::size(kMigrations) == kSqliteSchemaVersion);

Status Error(sqlite3* db, int rc, const std::string& what) {
  std::string message = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xFF;
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) return DataLossError(message);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL || primary == SQLITE_READONLY)
    return UnavailableError(message);
  return InternalError(message);
}

// RAII prepared statement.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Status status(const char* what) const { return rc_ == SQLITE_OK ? OkStatus() : Error(db_, rc_, what); }
  void Text(int i, std::string_view v) { sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Blob(int i, std::string_view v) { sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  std::string ColumnText(int i) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }
  int64_t ColumnInt(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

Status Exec(sqlite3* db, const char* sql, const std::string& what) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  return rc == SQLITE_OK ? OkStatus() : Error(db, rc, what);
}

StatusOr<int> UserVersion(sqlite3* db) {
  Stmt s(db, "PRAGMA user_version");
  RETURN_IF_ERROR(s.status("reading the schema version"));
  int rc = s.Step();
  if (rc != SQLITE_ROW) return Error(db, rc, "reading the schema version");
  return static_cast<int>(s.ColumnInt(0));
}

// Runs `body` inside BEGIN IMMEDIATE … COMMIT; ROLLBACK when it (or the commit) fails.
Status Transaction(sqlite3* db, const std::function<Status()>& body) {
  RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin"));
  Status st = body();
  if (st.ok()) st = Exec(db, "COMMIT", "commit");
  if (!st.ok()) Exec(db, "ROLLBACK", "rollback").ok();
  return st;
}

Status Migrate(sqlite3* db) {
  ASSIGN_OR_RETURN(int version, UserVersion(db));
  if (version > kSqliteSchemaVersion)
    return FailedPreconditionError("the database has schema version " + std::to_string(version) + ", newer than this thimd (" +
                                   std::to_string(kSqliteSchemaVersion) + "): upgrade thimd or use another file");
  for (int v = version; v < kSqliteSchemaVersion; ++v) {
    RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "migration"));
    Status st = Exec(db, kMigrations[v], "migration to schema version " + std::to_string(v + 1));
    if (st.ok()) st = Exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str(), "setting the schema version");
    if (!st.ok()) {
      Exec(db, "ROLLBACK", "rollback").ok();
      return st;
    }
    RETURN_IF_ERROR(Exec(db, "COMMIT", "migration commit"));
  }
  return OkStatus();
}

constexpr const char* kColumns =
    "key, kind, body, issuer_chain, content_type, issue_date, next_update, evaluation_number, fetched_at";

StoredItem Row(Stmt& s) {
  StoredItem item;
  item.key = s.ColumnText(0);
  item.kind = s.ColumnText(1);
  item.body = s.ColumnText(2);
  item.issuer_chain = s.ColumnText(3);
  item.content_type = s.ColumnText(4);
  item.issue_date = s.ColumnInt(5);
  item.next_update = s.ColumnInt(6);
  item.evaluation_number = s.ColumnInt(7);
  item.fetched_at = s.ColumnInt(8);
  return item;
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgumentError("store path is empty");
  bool existed = std::filesystem::exists(options.path);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = Error(db, rc, "opening " + options.path);
    sqlite3_close(db);
    return st;
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  if (!existed) ::chmod(options.path.c_str(), 0600);  // collateral is public, but the file is the operator's
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  Status st = Exec(db, "PRAGMA journal_mode=WAL", "enabling WAL on " + options.path);
  if (st.ok()) st = Exec(db, options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", "synchronous");
  if (st.ok()) st = Exec(db, "PRAGMA foreign_keys=ON", "foreign keys");
  if (st.ok()) st = Migrate(db);
  if (!st.ok()) return st.WithContext(options.path);
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

StatusOr<StoredItem> SqliteStore::GetLocked(std::string_view key) {
  Stmt s(db_, (std::string("SELECT ") + kColumns + " FROM collateral WHERE key = ?").c_str());
  RETURN_IF_ERROR(s.status("get"));
  s.Text(1, key);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return NotFoundError("no stored item " + std::string(key));
  if (rc != SQLITE_ROW) return Error(db_, rc, "get " + std::string(key));
  return Row(s);
}

StatusOr<StoredItem> SqliteStore::Get(std::string_view key) {
  std::lock_guard lock(mu_);
  return GetLocked(key);
}

Status SqliteStore::Put(const StoredItem& item) {
  std::lock_guard lock(mu_);
  return Transaction(db_, [&]() -> Status {
    auto current = GetLocked(item.key);
    if (current.ok()) {
      RETURN_IF_ERROR(CheckNotOlder(*current, item));
    } else if (current.status().code() != StatusCode::kNotFound) {
      return current.status();
    }
    Stmt s(db_, (std::string("INSERT OR REPLACE INTO collateral (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?)").c_str());
    RETURN_IF_ERROR(s.status("put"));
    s.Text(1, item.key);
    s.Text(2, item.kind);
    s.Blob(3, item.body);
    s.Text(4, item.issuer_chain);
    s.Text(5, item.content_type);
    s.Int(6, item.issue_date);
    s.Int(7, item.next_update);
    s.Int(8, item.evaluation_number);
    s.Int(9, item.fetched_at);
    int rc = s.Step();
    return rc == SQLITE_DONE ? OkStatus() : Error(db_, rc, "put " + item.key);
  });
}

Status SqliteStore::Delete(std::string_view key) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "DELETE FROM collateral WHERE key = ?");
  RETURN_IF_ERROR(s.status("delete"));
  s.Text(1, key);
  int rc = s.Step();
  return rc == SQLITE_DONE ? OkStatus() : Error(db_, rc, "delete");
}

StatusOr<std::vector<StoredItem>> SqliteStore::List(std::string_view prefix) {
  std::lock_guard lock(mu_);
  // Range scan on the primary key: [prefix, prefix + U+10FFFF).
  Stmt s(db_, (std::string("SELECT ") + kColumns + " FROM collateral WHERE key >= ? AND substr(key, 1, ?) = ? ORDER BY key").c_str());
  RETURN_IF_ERROR(s.status("list"));
  s.Text(1, prefix);
  s.Int(2, static_cast<int64_t>(prefix.size()));
  s.Text(3, prefix);
  std::vector<StoredItem> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(Row(s));
  if (rc != SQLITE_DONE) return Error(db_, rc, "list");
  return out;
}

namespace {
constexpr const char* kPlatformColumns =
    "id, qe_id, pce_id, encrypted_ppid, platform_manifest, fmspc, ca_type, ppid, pck_certs, issuer_chain, "
    "certs_fetched_at, levels_eval_number, registered_at, raw_tcbs, source";
// The same columns with the two large ones replaced by empty values.
constexpr const char* kPlatformColumnsLight =
    "id, qe_id, pce_id, encrypted_ppid, platform_manifest, fmspc, ca_type, ppid, '', '', "
    "certs_fetched_at, levels_eval_number, registered_at, raw_tcbs, source";

PlatformRecord PlatformRow(Stmt& s) {
  PlatformRecord r;
  r.id = s.ColumnText(0);
  r.qe_id = s.ColumnText(1);
  r.pce_id = s.ColumnText(2);
  r.encrypted_ppid = s.ColumnText(3);
  r.platform_manifest = s.ColumnText(4);
  r.fmspc = s.ColumnText(5);
  r.ca_type = s.ColumnText(6);
  r.ppid = s.ColumnText(7);
  r.pck_certs = s.ColumnText(8);
  r.issuer_chain = s.ColumnText(9);
  r.certs_fetched_at = s.ColumnInt(10);
  r.levels_eval_number = s.ColumnInt(11);
  r.registered_at = s.ColumnInt(12);
  r.raw_tcbs = s.ColumnText(13);
  r.source = s.ColumnText(14);
  return r;
}
}  // namespace

StatusOr<PlatformRecord> SqliteStore::GetPlatformLocked(std::string_view id) {
  Stmt s(db_, (std::string("SELECT ") + kPlatformColumns + " FROM platforms WHERE id = ?").c_str());
  RETURN_IF_ERROR(s.status("get platform"));
  s.Text(1, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return NotFoundError("no stored platform " + std::string(id));
  if (rc != SQLITE_ROW) return Error(db_, rc, "get platform " + std::string(id));
  return PlatformRow(s);
}

StatusOr<PlatformRecord> SqliteStore::GetPlatform(std::string_view id) {
  std::lock_guard lock(mu_);
  return GetPlatformLocked(id);
}

Status SqliteStore::PutPlatform(const PlatformRecord& r) {
  std::lock_guard lock(mu_);
  return Transaction(db_, [&]() -> Status {
    auto current = GetPlatformLocked(r.id);
    if (current.ok()) {
      RETURN_IF_ERROR(CheckPlatformNotOlder(*current, r));
    } else if (current.status().code() != StatusCode::kNotFound) {
      return current.status();
    }
    Stmt s(db_, (std::string("INSERT OR REPLACE INTO platforms (") + kPlatformColumns +
                 ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)").c_str());
    RETURN_IF_ERROR(s.status("put platform"));
    int i = 0;
    for (const std::string* text : {&r.id, &r.qe_id, &r.pce_id, &r.encrypted_ppid, &r.platform_manifest, &r.fmspc, &r.ca_type, &r.ppid})
      s.Text(++i, *text);
    s.Blob(++i, r.pck_certs);
    s.Text(++i, r.issuer_chain);
    for (int64_t v : {r.certs_fetched_at, r.levels_eval_number, r.registered_at}) s.Int(++i, v);
    s.Text(++i, r.raw_tcbs);
    s.Text(++i, r.source);
    int rc = s.Step();
    return rc == SQLITE_DONE ? OkStatus() : Error(db_, rc, "put platform " + r.id);
  });
}

Status SqliteStore::SetPlatformRawTcbs(std::string_view id, std::string_view raw_tcbs) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "UPDATE platforms SET raw_tcbs = ? WHERE id = ?");
  RETURN_IF_ERROR(s.status("set raw TCBs"));
  s.Text(1, raw_tcbs);
  s.Text(2, id);
  int rc = s.Step();
  if (rc != SQLITE_DONE) return Error(db_, rc, "set raw TCBs");
  if (sqlite3_changes(db_) == 0) return NotFoundError("no stored platform " + std::string(id));
  return OkStatus();
}

Status SqliteStore::DeletePlatform(std::string_view id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "DELETE FROM platforms WHERE id = ?");
  RETURN_IF_ERROR(s.status("delete platform"));
  s.Text(1, id);
  int rc = s.Step();
  return rc == SQLITE_DONE ? OkStatus() : Error(db_, rc, "delete platform");
}

StatusOr<std::vector<PlatformRecord>> SqliteStore::ListPlatforms(std::string_view fmspc, bool with_certs) {
  std::lock_guard lock(mu_);
  std::string sql = std::string("SELECT ") + (with_certs ? kPlatformColumns : kPlatformColumnsLight) + " FROM platforms" +
                    (fmspc.empty() ? "" : " WHERE fmspc = ?") + " ORDER BY id";
  Stmt s(db_, sql.c_str());
  RETURN_IF_ERROR(s.status("list platforms"));
  if (!fmspc.empty()) s.Text(1, fmspc);
  std::vector<PlatformRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(PlatformRow(s));
  if (rc != SQLITE_DONE) return Error(db_, rc, "list platforms");
  return out;
}

Status SqliteStore::Ping() {
  std::lock_guard lock(mu_);
  return UserVersion(db_).status();
}

}  // namespace thim::store
