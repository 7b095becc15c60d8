#!/bin/bash -eu
# OSS-Fuzz's projects/racefuzz/build.sh: the build itself lives in the repository
# (ci/oss-fuzz/build_fuzzers.sh), so OSS-Fuzz and ClusterFuzzLite run the same one.
"$SRC/racefuzz/ci/oss-fuzz/build_fuzzers.sh"
