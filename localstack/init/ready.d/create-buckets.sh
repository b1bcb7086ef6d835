#!/bin/bash
# Runs inside the LocalStack container once it is ready (see docker-compose.yml).
# Creates the buckets the S3 suite expects to exist when LAZYSCRIBE_TEST_S3_ENDPOINT points here.
set -euo pipefail
for bucket in lazyscribe-test-a lazyscribe-test-b; do
  awslocal s3api head-bucket --bucket "$bucket" 2>/dev/null || awslocal s3 mb "s3://$bucket"
done
echo "lazyscribe test buckets ready"
