#!/bin/bash -eu
# Build-time packages for OSS-Fuzz's and ClusterFuzzLite's images (both Dockerfiles run it).
# The fuzzers run on base-runner, where no libcjson is installed: cJSON is built static.
apt-get update
apt-get install -y cmake ninja-build pkg-config zip libcurl4-openssl-dev
git clone --depth 1 --branch v1.7.15 https://github.com/DaveGamble/cJSON.git "$SRC/cjson"
cmake -S "$SRC/cjson" -B "$SRC/cjson/build" -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON
cmake --build "$SRC/cjson/build"
cmake --install "$SRC/cjson/build"
