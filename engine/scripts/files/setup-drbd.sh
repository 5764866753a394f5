#!/bin/bash
# setup-drbd.sh - Mise en place complete de DRBD sur ce noeud, en une commande
#
# Enchaine les etapes du TP1 :
#   1. verifie la configuration (drbdadm dump r0)
#   2. cree les metadonnees si elles n'existent pas (drbdadm create-md r0)
#   3. demarre la ressource (drbdadm up r0)
#   4. avec --primary : devient Primary (--force la premiere fois) et formate si besoin
#
# Usage: setup-drbd.sh [--primary]

RES="${RES:-r0}"

usage() {
    echo "Usage: $0 [--primary]" >&2
    exit 1
}

run() {
    echo ">>> $*"
    command "$@"
}

PRIMARY=no
case "$1" in
    "") ;;
    --primary) PRIMARY=yes ;;
    *) usage ;;
esac
[ $# -le 1 ] || usage

echo "== 1. Configuration"
run drbdadm dump "$RES" > /dev/null || exit 1
echo "configuration de $RES valide pour $(uname -n)"

echo "== 2. Metadonnees"
if drbdadm role "$RES" > /dev/null 2>&1; then
    echo "$RES est deja demarree : metadonnees presentes"
else
    # "drbdadm up" echoue sans metadonnees : on les cree seulement dans ce cas
    if ! drbdadm up "$RES" > /dev/null 2>&1; then
        run drbdadm create-md "$RES" || exit 1
        echo "== 3. Demarrage"
        run drbdadm up "$RES" || exit 1
    else
        echo "metadonnees presentes"
        echo "== 3. Demarrage"
        echo "$RES demarree (drbdadm up $RES)"
    fi
fi

if [ "$PRIMARY" = yes ]; then
    echo "== 4. Promotion"
    if [ "$(drbdadm dstate "$RES" | cut -d/ -f1)" = "UpToDate" ]; then
        run drbdadm primary "$RES" || exit 1
    else
        /scripts/drbd-init.sh primary --force || exit 1
    fi
fi

drbdadm status "$RES"
