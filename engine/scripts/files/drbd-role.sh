#!/bin/bash
# drbd-role.sh - Changer le role DRBD du noeud local (TP3, TP4)
#
#   primary            -> drbdadm primary r0          (refuse si le pair est deja Primary
#                                                      ou si les donnees locales ne sont pas UpToDate)
#   primary --force    -> drbdadm primary --force r0  (promotion sans pair : a utiliser quand le
#                                                      Primary est mort et que ces donnees font foi)
#   secondary          -> drbdadm secondary r0        (le device ne doit plus etre monte)

RES="${RES:-r0}"

usage() {
    echo "Usage: $0 primary [--force] | secondary" >&2
    exit 1
}

run() {
    echo ">>> $*"
    command "$@"
}

case "$1" in
    primary)
        if [ $# -eq 1 ]; then
            run drbdadm primary "$RES"
        elif [ $# -eq 2 ] && [ "$2" = "--force" ]; then
            run drbdadm primary --force "$RES"
        else
            usage
        fi
        ;;
    secondary)
        [ $# -eq 1 ] || usage
        run drbdadm secondary "$RES"
        rc=$?
        if [ $rc -ne 0 ] && mount | grep -q "^/dev/drbd"; then
            echo "Le device DRBD est encore monte : demontez-le d'abord (umount /mnt/drbd)." >&2
        fi
        exit $rc
        ;;
    *)
        usage
        ;;
esac
