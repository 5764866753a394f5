#!/bin/bash
# notify-splitbrain.sh - Handler "split-brain" de DRBD (TP3, exercice 3.2)
#
#   handlers {
#       split-brain "/scripts/notify-splitbrain.sh";
#   }
#
# DRBD l'appelle quand il detecte un split-brain qu'aucune politique after-sb-* n'a resolu :
# la connexion reste StandAlone et un administrateur doit choisir la victime
# (/scripts/resolve-splitbrain.sh). Variables fournies par DRBD : DRBD_RESOURCE,
# DRBD_PEER_ADDRESS, DRBD_MINOR, DRBD_PEER_NODE_ID...

LOG=/var/log/drbd-alerts.log

if [ -z "$DRBD_RESOURCE" ] && [ $# -eq 0 ]; then
    echo "Usage: $0 [RESOURCE]   (appele par DRBD avec DRBD_RESOURCE)" >&2
    exit 1
fi
RESOURCE=${DRBD_RESOURCE:-$1}

LINE="$(date '+%Y-%m-%d %H:%M:%S') $(uname -n) [split-brain] resource=$RESOURCE peer=${DRBD_PEER_ADDRESS:-?} : split-brain detecte, resolution manuelle requise (voir /scripts/resolve-splitbrain.sh)"
echo "$LINE" >> "$LOG"
logger -t drbd-split-brain "$LINE"
echo "$LINE"
exit 0
