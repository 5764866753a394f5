#!/bin/bash
# resolve-splitbrain.sh - Resolution manuelle d'un split-brain (TP3 etape 4)
#
# Apres un split-brain, les deux noeuds ont ecrit chacun de leur cote : il faut choisir
# une victime, dont les modifications seront PERDUES, et un survivant.
#
#   Sur la victime :   resolve-splitbrain.sh discard-local
#       umount /mnt/drbd                       (si monte)
#       drbdadm disconnect r0
#       drbdadm secondary r0
#       drbdadm connect --discard-my-data r0
#
#   Sur le survivant : resolve-splitbrain.sh keep-local
#       drbdadm disconnect r0                  (s'il n'est pas deja StandAlone)
#       drbdadm connect r0
#
# Des que les deux cotes se reconnectent, la victime devient SyncTarget et recoit les
# blocs modifies par le survivant (resynchronisation partielle, grace au bitmap).

RES="${RES:-r0}"
MNT=/mnt/drbd

usage() {
    echo "Usage: $0 discard-local|keep-local" >&2
    exit 1
}

run() {
    echo ">>> $*"
    command "$@"
}

[ $# -eq 1 ] || usage
case "$1" in
    discard-local)
        if mount | grep -q " on $MNT "; then
            run umount "$MNT" || exit $?
        fi
        [ "$(drbdadm cstate "$RES")" = StandAlone ] || run drbdadm disconnect "$RES"
        run drbdadm secondary "$RES" || exit $?
        run drbdadm connect --discard-my-data "$RES" || exit $?
        echo "$(uname -n) abandonne ses modifications : il se resynchronisera depuis le pair"
        echo "des que celui-ci se reconnectera (resolve-splitbrain.sh keep-local)."
        ;;
    keep-local)
        [ "$(drbdadm cstate "$RES")" = StandAlone ] || run drbdadm disconnect "$RES"
        run drbdadm connect "$RES" || exit $?
        echo "$(uname -n) garde ses donnees : le pair (discard-local) va se resynchroniser."
        ;;
    *)
        usage
        ;;
esac
sleep 2
drbdadm status "$RES"
