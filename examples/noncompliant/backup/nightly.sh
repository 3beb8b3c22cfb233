#!/bin/sh
# Nightly dump of the appeals database, copied off-site: to Google Drive (abroad) and to a remote defined below.
set -eu
pg_dump -Fc appeals > /var/backups/appeals.dump
rclone copy /var/backups gdrive:appeals-backups
