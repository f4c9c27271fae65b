// gzip compression (RFC 1952) of a whole buffer with zlib, for export-job
// downloads.
#ifndef IDENTITYGRAPH_TESTS_AUTH0_SIM_GZIP_H_
#define IDENTITYGRAPH_TESTS_AUTH0_SIM_GZIP_H_

#include <string>

namespace identitygraph::sim {

// Returns the gzip file of `data`.
std::string Gzip(const std::string& data);

}  // namespace identitygraph::sim

#endif  // IDENTITYGRAPH_TESTS_AUTH0_SIM_GZIP_H_
