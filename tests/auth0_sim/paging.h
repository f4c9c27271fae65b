// Auth0's two paging styles, with its limits and its 400s.
//
// Offset: page (0-based), per_page (max 100, default 50), include_totals.
// Without include_totals the body is a bare array; with it, {start, limit,
// total, KEY} (/users also has `length`). Endpoints that also offer checkpoint
// paging refuse to read past record 1000. Checkpoint: from (omit on the first
// call), take (max 100, default 50): {next, KEY}, `next` absent on the last
// page.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_PAGING_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_PAGING_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/auth0_sim/api_reply.h"

namespace identitygraph::sim {

struct PagingRules {
  // The key of the collection in object bodies, e.g. "users".
  std::string key;
  // Offset paging may not read past record 1000 (users search; endpoints with
  // checkpoints).
  bool offset_capped = false;
  // The 400 text at the cap: users search has its own.
  bool users_search = false;
  // from/take are accepted.
  bool checkpoint = false;
  // Largest `take`.
  int max_take = 100;
  // Offset paging is accepted (connections/{id}/clients is checkpoint only).
  bool offset = true;

  // Plain offset paging (roles, permissions, resource servers).
  static PagingRules Offset(std::string key) {
    PagingRules rules;
    rules.key = std::move(key);
    return rules;
  }
  // Offset capped at 1000 records, or checkpoint (role members, clients,
  // connections).
  static PagingRules OffsetOrCheckpoint(std::string key) {
    PagingRules rules = Offset(std::move(key));
    rules.offset_capped = true;
    rules.checkpoint = true;
    return rules;
  }
  // GET /users: offset capped at 1000 with its own 400, and `length` in totals.
  static PagingRules UsersSearch() {
    PagingRules rules = Offset("users");
    rules.offset_capped = true;
    rules.users_search = true;
    return rules;
  }
  // Checkpoint only, with a larger `take`.
  static PagingRules CheckpointOnly(std::string key, int max_take) {
    PagingRules rules = Offset(std::move(key));
    rules.checkpoint = true;
    rules.offset = false;
    rules.max_take = max_take;
    return rules;
  }
};

// Query parameters by name; returns nullopt when absent.
using ParamGetter =
    std::function<std::optional<std::string>(const std::string&)>;

// Pages `items` as the request asks, or answers Auth0's 400 for bad paging
// parameters.
ApiReply Page(const std::vector<nlohmann::json>& items,
              const ParamGetter& param, const PagingRules& rules);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_PAGING_H_
