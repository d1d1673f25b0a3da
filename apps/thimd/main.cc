// thimd: the collateral cache service. See README.md and docs/operations.md.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>

#include "thimd/app.h"
#include "thimd/config.h"

namespace {
void OnSignal(int) { thim::thimd::App::RequestStop(); }
}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"thimd — Trusted Hardware Identity Management collateral cache"};
  std::string config_path;
  bool check_only = false;
  int port_override = -1;
  std::string store_override;
  cli.add_option("-c,--config", config_path, "configuration file (JSON, comments allowed)");
  cli.add_flag("--check-config", check_only, "validate the configuration and exit");
  cli.add_option("--port", port_override, "override server.port");
  cli.add_option("--store", store_override, "override store.path");
  CLI11_PARSE(cli, argc, argv);

  thim::thimd::Config config;
  if (!config_path.empty()) {
    auto loaded = thim::thimd::LoadConfig(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "thimd: invalid configuration: %s\n", loaded.status().message().c_str());
      return 2;
    }
    config = *loaded;
  } else {
    thim::thimd::ApplyEnvironment(config);
  }
  if (port_override >= 0) config.server.port = port_override;
  if (!store_override.empty()) config.store.path = store_override;
  if (check_only) {
    std::printf("configuration OK\n");
    return 0;
  }
  thim::thimd::ConfigureLogging(config.log);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  thim::thimd::App app(config);
  auto st = app.Start();
  if (!st.ok()) {
    spdlog::critical("cannot start: {}", st.ToString());
    return 1;
  }
  app.Run();
  return 0;
}
