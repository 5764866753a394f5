#!/bin/bash
# drbd-status.sh - Etat du cluster DRBD dans un cadre (TP1 etape 4, TP3)
#
# Tout vient de "drbdadm status r0" sur ce noeud :
#   r0 role:Primary                       <- role du noeud local
#     disk:UpToDate                       <- etat du disque local
#     node2 role:Secondary                <- le pair tel que ce noeud le voit
#       replication:SyncSource peer-disk:Inconsistent done:45.30
#
# DRBD 9 n'affiche "connection:" que si la connexion n'est pas etablie (Connecting,
# StandAlone...). Un pair non connecte n'a ni role ni disque connus : on affiche
# alors Unknown / DUnknown, comme DRBD 8 le faisait.

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"
W=48

if [ $# -ne 0 ]; then
    echo "Usage: $0" >&2
    exit 1
fi

STATUS=$(drbdadm status "$RES" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    echo "$STATUS" >&2
    echo "La ressource $RES n'est pas demarree sur $(uname -n) (voir /scripts/drbd-init.sh start)." >&2
    exit $rc
fi

ME=$(uname -n)
declare -A ROLE DISK CONN DONE REPL

# --- Lecture de "drbdadm status" -------------------------------------------------------
peer=""
while IFS= read -r line; do
    [ -z "$line" ] && continue
    indent=${line%%[! ]*}
    set -- $line
    if [ ${#indent} -eq 0 ]; then
        for tok in "$@"; do
            case "$tok" in role:*) ROLE[$ME]=${tok#role:} ;; esac
        done
    elif [ ${#indent} -eq 2 ] && [ "${1#*:}" != "$1" ]; then
        for tok in "$@"; do
            case "$tok" in disk:*) DISK[$ME]=${tok#disk:} ;; esac
        done
    elif [ ${#indent} -eq 2 ]; then
        peer=$1
        ROLE[$peer]=Unknown
        DISK[$peer]=DUnknown
        CONN[$peer]=Connected
        shift
        for tok in "$@"; do
            case "$tok" in
                role:*) ROLE[$peer]=${tok#role:} ;;
                connection:*) CONN[$peer]=${tok#connection:} ;;
            esac
        done
    elif [ -n "$peer" ]; then
        for tok in "$@"; do
            case "$tok" in
                peer-disk:*) DISK[$peer]=${tok#peer-disk:} ;;
                replication:*) REPL[$peer]=${tok#replication:} ;;
                done:*) DONE[$peer]=${tok#done:} ;;
            esac
        done
    fi
done <<< "$STATUS"

# --- Noeuds et adresses, dans l'ordre du fichier de configuration --------------------------
HOSTS=$(awk '$1 == "on" { print $2 }' "$CONF")
ip_of() {
    awk -v h="$1" '$1 == "on" && $2 == h { f = 1 } f && $1 == "address" { sub(/;$/, "", $2); n = split($2, a, ":"); print a[1]; exit }' "$CONF"
}
label_of() {
    case "$1" in
        node[0-9]*) echo "Node ${1#node}" ;;
        *) echo "$1" ;;
    esac
}

# La connexion du noeud local : celle vers son pair (le premier s'il y en a plusieurs)
for h in $HOSTS; do
    if [ "$h" != "$ME" ] && [ -n "${CONN[$h]}" ]; then
        CONN[$ME]=${CONN[$h]}
        break
    fi
done
[ -n "${CONN[$ME]}" ] || CONN[$ME]=StandAlone

row() { printf "│ %-${W}s│\n" "$1"; }
rule() { echo "$1─────────────────────────────────────────────────$2"; }

# --- Cadre --------------------------------------------------------------------------------
rule "┌" "┐"
row "DRBD Status - Resource: $RES"
rule "├" "┤"
for h in $HOSTS; do
    row "$(label_of "$h") ($(ip_of "$h"))"
    row "  Role: ${ROLE[$h]:-Unknown}"
    row "  Disk State: ${DISK[$h]:-DUnknown}"
    row "  Connection: ${CONN[$h]:-Unknown}"
    row ""
done

SYNC=""
for h in $HOSTS; do
    if [ -n "${DONE[$h]}" ]; then
        SYNC="${DONE[$h]}% (${REPL[$h]} with $h)"
        break
    fi
done
if [ -z "$SYNC" ]; then
    SYNC="100% synchronized"
    for h in $HOSTS; do
        case "${DISK[$h]}" in
            UpToDate) ;;
            DUnknown) SYNC="unknown ($h not connected)" ;;
            *) [ "$SYNC" = "100% synchronized" ] && SYNC="not synchronized ($h: ${DISK[$h]})" ;;
        esac
    done
fi
row "Sync Status: $SYNC"
rule "└" "┘"
