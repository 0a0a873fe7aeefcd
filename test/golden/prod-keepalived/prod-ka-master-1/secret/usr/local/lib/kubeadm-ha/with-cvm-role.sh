#!/usr/bin/env bash
# Usage: with-cvm-role.sh <metadata-url> <role> <command> [<arg>...]. Runs <command> with the temporary credentials of the CVM role <role>, read from the instance metadata service at <metadata-url>, in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (what rclone's S3 backend reads with env_auth). The credentials are never printed.
set -euo pipefail
if [ "$#" -lt 3 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
url="${1%/}" role="$2"
shift 2
if ! creds="$(curl -fsS --max-time 10 --retry 3 --retry-delay 2 "$url/cam/security-credentials/$role")"; then
    echo "with-cvm-role: no credentials for the CVM role $role from $url: is the role bound to this instance (camRoleName)?" >&2
    exit 77
fi
# The answer is one JSON object of string fields; "\/" is JSON's optional escape of "/".
text() { grep -o "\"$1\" *: *\"[^\"]*\"" <<<"$creds" | head -n 1 | sed -e 's/^[^:]*: *"//' -e 's/"$//' -e 's#\\/#/#g' || true; }
id="$(text TmpSecretId)" key="$(text TmpSecretKey)" token="$(text Token)"
if [ -z "$id" ] || [ -z "$key" ] || [ -z "$token" ]; then
    echo "with-cvm-role: the metadata service answered without TmpSecretId, TmpSecretKey and Token (Code: $(text Code))" >&2
    exit 77
fi
export AWS_ACCESS_KEY_ID="$id" AWS_SECRET_ACCESS_KEY="$key" AWS_SESSION_TOKEN="$token"
exec "$@"
