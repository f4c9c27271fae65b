#include "tests/auth0_sim/extension_api.h"

#include <string>

namespace identitygraph::sim {

ApiReply ExportExtensionConfiguration(const Tenant& tenant) {
  return {200, tenant.extension_export};
}

ApiReply ListExtensionRecords(const Tenant& tenant, const std::string& kind) {
  nlohmann::json records =
      tenant.extension_export.value(kind, nlohmann::json::array());
  const size_t total = records.size();
  return {200, {{kind, std::move(records)}, {"total", total}}};
}

}  // namespace identitygraph::sim
