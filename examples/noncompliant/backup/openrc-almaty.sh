#!/usr/bin/env bash
# OpenStack client environment of a project in Selectel's Almaty pool (abroad)
export OS_AUTH_URL=https://cloud.api.selcloud.ru/identity/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME='deploy'
export OS_REGION_NAME='kz-1'
