#!/bin/bash
# drbd-init.sh - Initialisation d'une ressource DRBD (TP1, etape 3)
#
# Chaque action enveloppe une vraie commande drbdadm, affichee avant d'etre lancee :
#   create-md          -> drbdadm create-md r0   (metadonnees neuves : disque Inconsistent)
#   start              -> drbdadm up r0          (attache le disque, se connecte au pair)
#   primary [--force]  -> drbdadm primary [--force] r0
#
# Avec --force, le noeud declare ses donnees UpToDate et la synchronisation initiale
# complete part vers le pair (SyncSource -> SyncTarget). S'il n'y a encore aucun systeme
# de fichiers sur le device DRBD, le script en cree un (mkfs.ext4) : c'est le Primary
# qui formate, et le formatage est replique comme toute ecriture.

RES="${RES:-r0}"

usage() {
    echo "Usage: $0 create-md|start|primary [--force]" >&2
    exit 1
}

run() {
    echo ">>> $*"
    command "$@"
}

# Device DRBD de la ressource (ligne "device /dev/drbd0;" du fichier .res)
drbd_device() {
    awk '$1 == "device" { sub(/;$/, "", $2); print $2; exit }' "/etc/drbd.d/$RES.res"
}

case "$1" in
    create-md)
        [ $# -eq 1 ] || usage
        run drbdadm create-md "$RES"
        ;;
    start)
        [ $# -eq 1 ] || usage
        run drbdadm up "$RES"
        ;;
    primary)
        if [ $# -eq 1 ]; then
            run drbdadm primary "$RES"
        elif [ $# -eq 2 ] && [ "$2" = "--force" ]; then
            run drbdadm primary --force "$RES" || exit $?
            DEV=$(drbd_device)
            if ! blkid "$DEV" > /dev/null 2>&1; then
                echo "Aucun systeme de fichiers sur $DEV : creation (ext4)"
                run mkfs.ext4 -q "$DEV"
            fi
        else
            usage
        fi
        ;;
    *)
        usage
        ;;
esac
