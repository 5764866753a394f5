#!/bin/bash
# alert.sh - Alerte DRBD (handler, TP5 section 8.3)
#
# A declarer dans la section handlers de la ressource, par exemple :
#   handlers {
#       pri-on-incon-degr "/scripts/alert.sh degraded";
#       pri-lost-after-sb "/scripts/alert.sh splitbrain";
#       local-io-error    "/scripts/alert.sh io-error";
#       fence-peer        "/scripts/alert.sh fence-peer";
#   }
#
# Attention :
#   - local-io-error n'est lance qu'avec "disk { on-io-error call-local-io-error; }" ;
#     avec "detach" (le defaut), DRBD detache le disque sans appeler de handler.
#   - fence-peer attend un verdict dans le code de retour (4 : pair Outdated, 5 : pair
#     injoignable, 7 : pair arrete par STONITH...). Une simple alerte renvoie 0, que DRBD
#     signale comme "fence-peer helper broken" : pour isoler vraiment le pair, utilisez
#     /usr/lib/drbd/crm-fence-peer.9.sh (Pacemaker).
#
# DRBD lance le handler avec les variables DRBD_RESOURCE, DRBD_MINOR, DRBD_PEER_ADDRESS...
# L'alerte est ajoutee a /var/log/drbd-alerts.log et envoyee a syslog (logger).
# En production, on enverrait aussi un mail ou un message (mail, curl vers un webhook).

LOG=/var/log/drbd-alerts.log

usage() {
    echo "Usage: $0 degraded|splitbrain|io-error|fence-peer|TYPE [MESSAGE]" >&2
    exit 1
}

[ $# -ge 1 ] || usage
TYPE=$1
shift
case "$TYPE" in
    degraded)   TEXT="Primary avec des donnees incoherentes et sans pair (pri-on-incon-degr)" ;;
    splitbrain) TEXT="Primary perdant apres un split-brain (pri-lost-after-sb)" ;;
    io-error)   TEXT="Erreur d'E/S sur le disque local (local-io-error)" ;;
    fence-peer) TEXT="Demande d'isolement du pair (fence-peer)" ;;
    -*|"")      usage ;;
    *)          TEXT="Alerte $TYPE" ;;
esac
[ $# -gt 0 ] && TEXT="$TEXT - $*"

LINE="$(date '+%Y-%m-%d %H:%M:%S') $(uname -n) [$TYPE] resource=${DRBD_RESOURCE:-?} minor=${DRBD_MINOR:-?} peer=${DRBD_PEER_ADDRESS:-?} : $TEXT"
echo "$LINE" >> "$LOG"
logger -t drbd-alert "$LINE"
echo "$LINE"
exit 0
