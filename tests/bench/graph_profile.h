// Synthetic identity graphs of the benchmark profiles: U users, U/20 groups,
// U/50 roles, U/100 applications, about 5 groups per user (skewed: a few huge
// groups), nesting up to depth 6, 1-2 roles per group defined for one
// application each, 10% of users with a direct role, three connections enabled
// for a third of the applications each; four permissions per application, two
// of them granted by each of its roles; one user in 50 blocked.
#ifndef IDENTITYGRAPH_TESTS_BENCH_GRAPH_PROFILE_H_
#define IDENTITYGRAPH_TESTS_BENCH_GRAPH_PROFILE_H_

#include <cstdint>

#include "graph/graph_builder.h"

namespace identitygraph::bench {

// Fills `builder` with the profile for `users` users; the same seed gives the
// same graph.
void FillProfile(int64_t users, uint64_t seed, graph::GraphBuilder& builder);

}  // namespace identitygraph::bench

#endif  // IDENTITYGRAPH_TESTS_BENCH_GRAPH_PROFILE_H_
