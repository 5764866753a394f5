#!/bin/bash
# benchmark.sh - Mesurer les performances de r0 (TP2)
#
#   write   : debit sequentiel (dd bs=1M oflag=direct) puis latence d'ecriture 4 KiB
#   read    : debit de lecture sequentielle (sur le disque local du Primary)
#   latency : latence d'ecriture 4 KiB synchrone (fio, une seule requete a la fois)
#
# Le laboratoire est simule : "labctl bench" calcule ce que mesureraient dd et fio a partir
# de l'etat reel du cluster - protocole actif, latence et debit du reseau (tc netem),
# etat des disques, options DRBD (max-buffers, sndbuf-size, al-extents, flushes...).

RES="${RES:-r0}"
MNT=/mnt/drbd

usage() {
    echo "Usage: $0 write|read|latency" >&2
    exit 1
}

[ $# -eq 1 ] || usage
case "$1" in
    write|read|latency) ;;
    *) usage ;;
esac

if ! mount | grep -q " on $MNT "; then
    echo "benchmark.sh : $MNT n'est pas monte. Le benchmark ecrit dans le systeme de fichiers DRBD :" >&2
    echo "lancez-le sur le Primary, apres 'mount /dev/drbd0 $MNT'." >&2
    exit 1
fi

# Ce que l'on mesure : le protocole de chaque connexion et le retard reseau
PROTO=$(drbdsetup show "$RES" 2>/dev/null | awk '$1 == "protocol" { sub(/;$/, "", $2); print $2; exit }')
NETEM=$(tc qdisc show dev eth0 | grep -o 'delay [^ ]*')
echo "Resource $RES sur $(uname -n) - protocole ${PROTO:-C}${NETEM:+ - netem $NETEM}"
labctl bench "$1" "$RES"
