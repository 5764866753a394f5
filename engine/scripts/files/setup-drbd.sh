#!/bin/bash
# setup-drbd.sh - Mise en place complete de DRBD sur ce noeud, en une commande
#
# Enchaine les etapes du TP1 :
#   1. verifie la configuration (drbdadm dump r0)
#   2. cree les metadonnees si le disque n'en a pas encore (drbdadm create-md r0)
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
    echo "$RES est deja demarree"
else
    # ressource arretee : "drbdadm dstate" lit les metadonnees sur le disque (drbdmeta)
    if drbdadm dstate "$RES" > /dev/null 2>&1; then
        echo "metadonnees presentes ($(drbdadm dstate "$RES"))"
    else
        run drbdadm create-md "$RES" || exit 1
    fi
    echo "== 3. Demarrage"
    run drbdadm up "$RES" || exit 1
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
