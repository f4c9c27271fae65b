// The drift between two snapshots of the same tenant: what a full scan found
// (`full`) that the graph built by following changes (`followed`) lacked, and
// what the followed graph held that the scan did not, by entity and edge
// kind. Entities compare by kind and id (and name and email: a rename that
// following missed is drift too); edges by kind, ends' ids and organization.
// Zero drift means following kept the graph equal to a full import.
#ifndef IDENTITYGRAPH_SERVER_DRIFT_H_
#define IDENTITYGRAPH_SERVER_DRIFT_H_

#include "graph/snapshot.h"
#include "identitygraph/v1/scan_service.pb.h"

namespace identitygraph {

// At most this many differences are described in Drift::examples.
inline constexpr int kDriftExamples = 10;

v1::Drift MeasureDrift(const graph::Snapshot& followed,
                       const graph::Snapshot& full);

// Whether `drift` holds any difference.
bool HasDrift(const v1::Drift& drift);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_DRIFT_H_
