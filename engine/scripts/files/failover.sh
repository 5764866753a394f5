#!/bin/bash
# failover.sh - Basculement planifie de r0 vers le pair (TP3 etape 1, en une commande)
#
# A lancer sur le Primary actuel. Les quatre etapes du schema du TP3 :
#   1. umount /mnt/drbd              (ici)
#   2. drbdadm secondary r0          (ici)
#   3. drbdadm primary r0            (sur le pair)
#   4. mount /dev/drbd0 /mnt/drbd    (sur le pair)
# Les etapes 3 et 4 passent par "labctl on PAIR" (le laboratoire n'a pas de ssh).
#
# Usage: failover.sh [PAIR]      (par defaut : l'autre noeud de la ressource)

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"
MNT=/mnt/drbd
ME=$(uname -n)

usage() {
    echo "Usage: $0 [PAIR]" >&2
    exit 1
}

run() {
    echo ">>> [$ME] $*"
    command "$@"
}

[ $# -le 1 ] || usage
case "$1" in -*) usage ;; esac
PEER=${1:-$(awk '$1 == "on" { print $2 }' "$CONF" | grep -vx "$ME" | head -n 1)}
if ! awk '$1 == "on" { print $2 }' "$CONF" | grep -qx "$PEER" || [ "$PEER" = "$ME" ]; then
    echo "$PEER n'est pas un pair de $RES" >&2
    exit 1
fi
if [ "$(drbdadm role "$RES" 2>/dev/null)" != Primary ]; then
    echo "$ME n'est pas Primary : lancez failover.sh sur le Primary actuel." >&2
    exit 1
fi
if [ "$(drbdadm cstate "$RES")" != Connected ]; then
    echo "Le pair n'est pas connecte : un basculement planifie est impossible." >&2
    echo "(panne du Primary : sur le survivant, /scripts/drbd-role.sh primary --force)" >&2
    exit 1
fi

echo "== 1. Demontage"
if mount | grep -q " on $MNT "; then
    run umount "$MNT" || exit $?
fi
echo "== 2. $ME devient Secondary"
run drbdadm secondary "$RES" || exit $?
echo "== 3. $PEER devient Primary"
echo ">>> [$PEER] drbdadm primary $RES"
labctl on "$PEER" drbdadm primary "$RES" || exit $?
echo "== 4. Montage sur $PEER"
echo ">>> [$PEER] mount /dev/drbd0 $MNT"
labctl on "$PEER" "mkdir -p $MNT && mount /dev/drbd0 $MNT" || exit $?
drbdadm status "$RES"
