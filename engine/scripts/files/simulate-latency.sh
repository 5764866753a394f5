#!/bin/bash
# simulate-latency.sh - Ajouter de la latence reseau sur eth0 (TP2, exercice 2.2)
#
#   simulate-latency.sh 50ms   -> tc qdisc add|change dev eth0 root netem delay 50ms
#   simulate-latency.sh off    -> tc qdisc del dev eth0 root   (aussi : 0, 0ms)
#
# netem retarde les paquets SORTANTS de ce noeud : le temps d'aller-retour (RTT) vers le
# pair augmente donc de la valeur donnee. En protocole C, chaque ecriture attend cet
# aller-retour ; en protocole A, le debit est borne par le buffer d'envoi (sndbuf-size).

usage() {
    echo "Usage: $0 DELAY (ex: 50ms, 100ms, 1s) | off" >&2
    exit 1
}

[ $# -eq 1 ] || usage
case "$1" in
    off|0|0ms|0s)
        if tc qdisc show dev eth0 | grep -q netem; then
            echo ">>> tc qdisc del dev eth0 root"
            tc qdisc del dev eth0 root || exit $?
        fi
        echo "Latence simulee supprimee."
        ;;
    *)
        echo "$1" | grep -qE '^[0-9]+(\.[0-9]+)?(us|ms|s)$' || usage
        if tc qdisc show dev eth0 | grep -q netem; then
            ACTION=change
        else
            ACTION=add
        fi
        echo ">>> tc qdisc $ACTION dev eth0 root netem delay $1"
        tc qdisc "$ACTION" dev eth0 root netem delay "$1" || exit $?
        tc qdisc show dev eth0
        ;;
esac
