#!/bin/bash
# change-protocol.sh - Changer le protocole de replication de r0 (TP2)
#
#   A : asynchrone      - l'ecriture est acquittee des qu'elle est sur le disque local
#                         et dans le buffer d'envoi TCP
#   B : semi-synchrone  - ... des que le pair a RECU les donnees (en memoire)
#   C : synchrone       - ... des que le pair les a ECRITES sur son disque
#
# Le script modifie la ligne "protocol" du fichier /etc/drbd.d/r0.res (il l'ajoute si la
# ressource herite du protocole de global_common.conf), puis "drbdadm adjust r0" applique
# la difference au noyau sans couper la connexion (drbdsetup net-options).
#
# DRBD 9 transmet le nouveau protocole au pair connecte, mais le fichier du pair declare
# toujours l'ancien : apres un redemarrage du pair (ou un "drbdadm adjust r0" chez lui),
# les deux noeuds ne sont plus d'accord et DRBD refuse la connexion ("incompatible
# protocol settings", StandAlone). Lancez donc aussi ce script sur le pair.

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"

usage() {
    echo "Usage: $0 A|B|C" >&2
    exit 1
}

[ $# -eq 1 ] || usage
case "$1" in
    A|B|C) P=$1 ;;
    *) usage ;;
esac

if grep -qE '^[[:space:]]*protocol[[:space:]]+[ABC][[:space:]]*;' "$CONF"; then
    sed -i -E "s/^([[:space:]]*protocol[[:space:]]+)[ABC][[:space:]]*;/\1$P;/" "$CONF"
else
    # protocole au niveau de la ressource : il prime sur la section net de "common"
    sed -i -E "s/^(resource[[:space:]]+$RES[[:space:]]*\{)/\1\n    protocol $P;/" "$CONF"
fi
echo "$CONF : protocol $P"
grep -nE '^[[:space:]]*protocol' "$CONF"

if drbdadm role "$RES" > /dev/null 2>&1; then
    echo ">>> drbdadm adjust $RES"
    drbdadm adjust "$RES" || exit $?
    echo "Protocole $P actif sur $(uname -n)."
else
    echo "La ressource $RES n'est pas demarree : le protocole $P s'appliquera au prochain 'drbdadm up $RES'."
fi
for h in $(awk '$1 == "on" { print $2 }' "$CONF"); do
    [ "$h" = "$(uname -n)" ] && continue
    echo "A faire aussi sur $h, pour que les deux configurations restent identiques : /scripts/change-protocol.sh $P"
done
