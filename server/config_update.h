// Lays an update (UpdateConfig's or TestConnection's candidate) over the saved
// configuration.
//
// Mask semantics, as the API documents them: the paths in `update_mask` are
// copied from the patch, an empty value clearing the field; with no mask, every
// field that is set in the patch is copied and the rest kept, so an omitted
// secret is never cleared. Output-only fields of the patch are ignored without
// a mask and refused in one. The merged result is validated in full; canonical
// forms (no trailing slash on the extension URL) are applied.
#ifndef IDENTITYGRAPH_SERVER_CONFIG_UPDATE_H_
#define IDENTITYGRAPH_SERVER_CONFIG_UPDATE_H_

#include <string>
#include <vector>

#include "google/protobuf/field_mask.pb.h"
#include "identitygraph/v1/config_service.pb.h"
#include "server/config_validator.h"

namespace identitygraph {

struct ConfigUpdateResult {
  // The saved config with the update applied; holds the client secret when one
  // is set.
  v1::Config merged;
  // Problems with the mask or the merged values; the update must not be saved
  // unless empty.
  std::vector<FieldViolation> violations;
  // True when the update sets a new client secret.
  bool secret_changed = false;
  // The mask paths the update applied (the implicit ones when the request had
  // no mask).
  std::vector<std::string> updated_paths;
};

// `saved` holds the current client secret (if any); so does the result's
// `merged`.
ConfigUpdateResult ApplyConfigUpdate(const v1::Config& saved,
                                     const v1::Config& patch,
                                     const google::protobuf::FieldMask& mask,
                                     const ValidatorOptions& options);

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_CONFIG_UPDATE_H_
