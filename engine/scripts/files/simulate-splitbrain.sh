#!/bin/bash
# simulate-splitbrain.sh - Provoquer un vrai split-brain (TP3 etape 4)
#
# Deroulement (lance depuis un des noeuds, par exemple node1) :
#   1. coupe le lien de replication : iptables DROP vers et depuis le pair
#   2. attend que DRBD constate la perte de connexion (ping-timeout)
#   3. sur CHAQUE noeud : devient Primary, monte /mnt/drbd et ecrit un fichier different
#      (sur le pair, via "labctl on" : le laboratoire n'a pas de ssh entre les noeuds)
#   4. retablit le lien : a la reconnexion, DRBD compare les UUID des deux cotes, voit
#      que chacun a ecrit sans l'autre, ecrit "Split-Brain detected" dans dmesg et, sauf
#      si une politique after-sb-* sait trancher, coupe la connexion : StandAlone.
#
# Option interne : --this-node (etape 3 sur le noeud courant).

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"
MNT=/mnt/drbd
ME=$(uname -n)

usage() {
    echo "Usage: $0" >&2
    exit 1
}

ip_of() {
    awk -v h="$1" '$1 == "on" && $2 == h { f = 1 } f && $1 == "address" { sub(/;$/, "", $2); split($2, a, ":"); print a[1]; exit }' "$CONF"
}

# Etape 3 sur un noeud : Primary + ecriture
this_node() {
    if [ "$(drbdadm role "$RES")" != Primary ]; then
        echo ">>> [$ME] drbdadm primary $RES"
        drbdadm primary "$RES" || exit $?
    fi
    mkdir -p "$MNT"
    if ! mount | grep -q " on $MNT "; then
        echo ">>> [$ME] mount /dev/drbd0 $MNT"
        mount /dev/drbd0 "$MNT" || exit $?
    fi
    echo "ecrit sur $ME pendant le split-brain - $(date)" > "$MNT/splitbrain-$ME.txt"
    sync
    echo "[$ME] $MNT/splitbrain-$ME.txt ecrit"
}

case "$#:$1" in
    0:) ;;
    1:--this-node) this_node; exit 0 ;;
    *) usage ;;
esac

PEER=$(awk '$1 == "on" { print $2 }' "$CONF" | grep -vx "$ME" | head -n 1)
PEER_IP=$(ip_of "$PEER")
[ -n "$PEER_IP" ] || { echo "Pair introuvable dans $CONF" >&2; exit 1; }

echo "== 1. Coupure du lien $ME <-> $PEER ($PEER_IP)"
echo ">>> iptables -A INPUT -s $PEER_IP -j DROP"
iptables -A INPUT -s "$PEER_IP" -j DROP
echo ">>> iptables -A OUTPUT -d $PEER_IP -j DROP"
iptables -A OUTPUT -d "$PEER_IP" -j DROP

echo "== 2. Attente de la detection par DRBD"
for i in $(seq 1 30); do
    [ "$(drbdadm cstate "$RES")" != Connected ] && break
    sleep 1
done
echo "$ME voit maintenant : $(drbdadm cstate "$RES")"

echo "== 3. Les deux noeuds deviennent Primary et ecrivent"
rc=0
/scripts/simulate-splitbrain.sh --this-node || rc=$?
[ $rc -eq 0 ] && { labctl on "$PEER" /scripts/simulate-splitbrain.sh --this-node || rc=$?; }

echo "== 4. Retablissement du lien"
echo ">>> iptables -D INPUT -s $PEER_IP -j DROP"
iptables -D INPUT -s "$PEER_IP" -j DROP
echo ">>> iptables -D OUTPUT -d $PEER_IP -j DROP"
iptables -D OUTPUT -d "$PEER_IP" -j DROP
for i in $(seq 1 30); do
    sleep 1
    case "$(drbdadm cstate "$RES")" in StandAlone|Connected) break ;; esac
done

drbdadm status "$RES"
dmesg | grep -E 'Split-Brain|split-brain' | tail -n 5
exit $rc
