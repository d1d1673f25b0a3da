// The same contract tests run against SqliteStore and FakeStore.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "store/fake_store.h"
#include "store/sqlite_store.h"

namespace thim::store {
namespace {

std::string TempDb(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("thim-store-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

StoredItem Item(const std::string& key, int64_t eval, int64_t issued, std::string body = "body") {
  StoredItem i;
  i.key = key;
  i.kind = "tcb_info";
  i.body = std::move(body);
  i.issuer_chain = "-----BEGIN%20CERTIFICATE-----%0A";
  i.content_type = "application/json";
  i.issue_date = issued;
  i.next_update = issued + 2592000;
  i.evaluation_number = eval;
  i.fetched_at = issued + 5;
  return i;
}

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      path_ = TempDb(name + ".db");
      auto s = OpenSqliteStore({.path = path_});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      store_ = std::move(*s);
    } else {
      store_ = std::make_unique<FakeStore>();
    }
  }
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, RoundTripIsBinaryExact) {
  std::string binary("\x30\x82\x00\x00\x01\xff", 6);
  ASSERT_TRUE(store_->Put(Item("intel/rootcacrl", -1, 100, binary)).ok());
  auto got = store_->Get("intel/rootcacrl");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, binary);
  EXPECT_EQ(got->evaluation_number, -1);
  EXPECT_EQ(got->next_update, 100 + 2592000);
  EXPECT_EQ(store_->Get("missing").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Ping().ok());
}

TEST_P(StoreContract, RollbackGuard) {
  ASSERT_TRUE(store_->Put(Item("k", 17, 1000, "v17")).ok());
  EXPECT_EQ(store_->Put(Item("k", 16, 5000, "v16")).code(), StatusCode::kFailedPrecondition);  // older number
  EXPECT_EQ(store_->Put(Item("k", 17, 999, "older")).code(), StatusCode::kFailedPrecondition);  // older issue date
  EXPECT_EQ(store_->Get("k")->body, "v17");
  EXPECT_TRUE(store_->Put(Item("k", 17, 1000, "v17")).ok());  // same document again
  EXPECT_TRUE(store_->Put(Item("k", 17, 2000, "newer")).ok());
  EXPECT_TRUE(store_->Put(Item("k", 18, 1500, "v18")).ok());  // a newer number wins even if issued earlier
  EXPECT_EQ(store_->Get("k")->body, "v18");
}

TEST_P(StoreContract, ListAndDelete) {
  for (const char* k : {"intel/v4/sgx/tcb?fmspc=A", "intel/v4/sgx/tcb?fmspc=B", "intel/v4/tdx/tcb?fmspc=A", "amd/vcek/x"})
    ASSERT_TRUE(store_->Put(Item(k, 1, 1)).ok());
  EXPECT_EQ(store_->List("intel/")->size(), 3u);
  EXPECT_EQ(store_->List("intel/v4/sgx/")->size(), 2u);
  EXPECT_EQ(store_->List("")->size(), 4u);
  EXPECT_EQ(store_->List("zzz")->size(), 0u);
  EXPECT_EQ((*store_->List("intel/"))[0].key, "intel/v4/sgx/tcb?fmspc=A");  // ordered by key
  EXPECT_TRUE(store_->Delete("amd/vcek/x").ok());
  EXPECT_TRUE(store_->Delete("amd/vcek/x").ok());
  EXPECT_EQ(store_->List("")->size(), 3u);
}

TEST_P(StoreContract, ConcurrentReadersAndWriters) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string key = "k" + std::to_string((t * 7 + i) % 20);
        Status put = store_->Put(Item(key, 1, 1000 + i));
        if (!put.ok() && put.code() != StatusCode::kFailedPrecondition) ++failures;
        auto got = store_->Get(key);
        if (!got.ok()) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->List("")->size(), 20u);
}

PlatformRecord Platform(const std::string& id, const std::string& fmspc, int64_t fetched_at, std::string certs) {
  PlatformRecord r;
  r.id = id;
  r.qe_id = id.substr(0, id.find('-'));
  r.pce_id = "0000";
  r.encrypted_ppid = std::string(768, 'E');
  r.platform_manifest = "";
  r.fmspc = fmspc;
  r.ca_type = "processor";
  r.ppid = std::string(32, '7');
  r.pck_certs = std::move(certs);
  r.issuer_chain = "-----BEGIN%20CERTIFICATE-----%0A";
  r.certs_fetched_at = fetched_at;
  r.levels_eval_number = 17;
  r.registered_at = 5;
  r.raw_tcbs = "00000000000000000000000000000000:1";
  r.source = "request";
  return r;
}

TEST_P(StoreContract, PlatformsRoundTripListAndDelete) {
  std::string certs("[{\"tcbm\":\"x\"}]\x00\xff", 17);
  ASSERT_TRUE(store_->PutPlatform(Platform("AA-0000", "00906ED50000", 100, certs)).ok());
  ASSERT_TRUE(store_->PutPlatform(Platform("BB-0000", "00606A000000", 100, "[]")).ok());
  auto got = store_->GetPlatform("AA-0000");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->pck_certs, certs);  // binary-exact
  EXPECT_EQ(got->qe_id, "AA");
  EXPECT_EQ(got->encrypted_ppid, std::string(768, 'E'));
  EXPECT_EQ(got->levels_eval_number, 17);
  EXPECT_EQ(got->registered_at, 5);
  EXPECT_EQ(got->raw_tcbs, "00000000000000000000000000000000:1");
  EXPECT_EQ(got->source, "request");
  EXPECT_EQ(store_->GetPlatform("CC-0000").status().code(), StatusCode::kNotFound);

  auto light = store_->ListPlatforms();
  ASSERT_TRUE(light.ok());
  ASSERT_EQ(light->size(), 2u);
  EXPECT_EQ((*light)[0].id, "AA-0000");
  EXPECT_TRUE((*light)[0].pck_certs.empty());  // a listing does not read certificates
  EXPECT_TRUE((*light)[0].issuer_chain.empty());
  EXPECT_EQ((*light)[0].fmspc, "00906ED50000");
  auto full = store_->ListPlatforms("00906ED50000", true);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->size(), 1u);
  EXPECT_EQ((*full)[0].pck_certs, certs);

  ASSERT_TRUE(store_->SetPlatformRawTcbs("AA-0000", "X:1,Y:2").ok());
  EXPECT_EQ(store_->GetPlatform("AA-0000")->raw_tcbs, "X:1,Y:2");
  EXPECT_EQ(store_->GetPlatform("AA-0000")->pck_certs, certs);  // only raw_tcbs changed
  EXPECT_EQ(store_->SetPlatformRawTcbs("ZZ-0000", "X:1").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->DeletePlatform("AA-0000").ok());
  ASSERT_TRUE(store_->DeletePlatform("AA-0000").ok());  // absent: still OK
  EXPECT_EQ(store_->GetPlatform("AA-0000").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListPlatforms()->size(), 1u);
  // Collateral and platforms do not see each other.
  EXPECT_TRUE(store_->List()->empty());
}

TEST_P(StoreContract, PlatformRollbackGuard) {
  ASSERT_TRUE(store_->PutPlatform(Platform("AA-0000", "00906ED50000", 200, "[new]")).ok());
  auto older = store_->PutPlatform(Platform("AA-0000", "00906ED50000", 100, "[old]"));
  EXPECT_EQ(older.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetPlatform("AA-0000")->pck_certs, "[new]");
  // Identity-only updates (no certificates) and newer certificates pass.
  auto identity = Platform("AA-0000", "00906ED50000", 0, "");
  EXPECT_TRUE(store_->PutPlatform(identity).ok());
  EXPECT_TRUE(store_->PutPlatform(Platform("AA-0000", "00906ED50000", 300, "[newer]")).ok());
  EXPECT_EQ(store_->GetPlatform("AA-0000")->pck_certs, "[newer]");
}

INSTANTIATE_TEST_SUITE_P(Both, StoreContract, ::testing::Values("sqlite", "fake"));

TEST(SqliteStore, SurvivesRestartAndIsPrivate) {
  std::string path = TempDb("restart.db");
  {
    auto s = OpenSqliteStore({.path = path});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Put(Item("intel/v4/sgx/qe/identity?update=standard", 17, 42, "qe")).ok());
  }
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all), std::filesystem::perms::none);
  auto again = OpenSqliteStore({.path = path});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Get("intel/v4/sgx/qe/identity?update=standard")->body, "qe");
}

TEST(SqliteStore, CorruptFileIsDataLoss) {
  std::string path = TempDb("corrupt.db");
  std::ofstream(path, std::ios::binary) << std::string(8192, '\x5a');
  auto s = OpenSqliteStore({.path = path});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss) << s.status().ToString();
}

TEST(SqliteStore, NewerSchemaRefused) {
  std::string path = TempDb("newer.db");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = OpenSqliteStore({.path = path});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST(SqliteStore, MigratesAVersionOneDatabaseKeepingItsCollateral) {
  std::string path = TempDb("v1.db");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  // Schema version 1 exactly as it shipped, with one document in it.
  sqlite3_exec(db,
               "CREATE TABLE collateral (key TEXT PRIMARY KEY, kind TEXT NOT NULL, body BLOB NOT NULL, issuer_chain TEXT NOT NULL, "
               "content_type TEXT NOT NULL, issue_date INTEGER NOT NULL, next_update INTEGER NOT NULL, "
               "evaluation_number INTEGER NOT NULL, fetched_at INTEGER NOT NULL) WITHOUT ROWID;"
               "CREATE INDEX collateral_kind ON collateral(kind);"
               "INSERT INTO collateral VALUES ('intel/rootcacrl','crl',x'3082','','application/pkix-crl',1,2,-1,3);"
               "PRAGMA user_version = 1;",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = OpenSqliteStore({.path = path});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto item = (*s)->Get("intel/rootcacrl");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->body, std::string("\x30\x82", 2));
  EXPECT_TRUE((*s)->PutPlatform(Platform("AA-0000", "00906ED50000", 1, "[]")).ok());
  EXPECT_TRUE((*s)->GetPlatform("AA-0000").ok());
}

TEST(SqliteStore, MigratesAnEmptyDatabaseAndReopens) {
  std::string path = TempDb("migrate.db");
  for (int i = 0; i < 2; ++i) {
    auto s = OpenSqliteStore({.path = path});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
  sqlite3_step(stmt);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), kSqliteSchemaVersion);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_EQ(OpenSqliteStore({.path = ""}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(OpenSqliteStore({.path = "/nonexistent-dir/x/y.db"}).ok());
}

TEST(FakeStore, FaultInjection) {
  FakeStore s;
  s.FailNext(2);
  EXPECT_EQ(s.Ping().code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.Put(Item("k", 1, 1)).code(), StatusCode::kUnavailable);
  EXPECT_TRUE(s.Put(Item("k", 1, 1)).ok());
}

}  // namespace
}  // namespace thim::store
