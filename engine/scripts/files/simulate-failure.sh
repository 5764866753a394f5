#!/bin/bash
# simulate-failure.sh - Simuler des pannes (TP5, exercice 5.1)
#
#   network [DUREE|--undo] coupe le lien de replication (iptables DROP vers/depuis le pair)
#                         pendant DUREE (30s par defaut), puis le retablit. On observe
#                         Connected -> Connecting -> Connected puis la resynchronisation
#                         des blocs ecrits pendant la coupure (sur le Primary, le script
#                         ecrit 8 Mio dans /mnt/drbd pendant la coupure).
#   slow-disk [--undo]    le disque local (/dev/sda1) devient tres lent : la latence
#                         d'ecriture monte (benchmark.sh latency, monitor.sh latency).
#   disk-full [--undo]    remplit le systeme de fichiers /mnt/drbd : les ecritures
#                         echouent avec "No space left on device", df affiche 100%.
#   crash [--undo]        panne du disque sous DRBD (DRBD n'a pas de processus qui puisse
#                         planter : c'est un module du noyau) : le disque (/dev/sda1)
#                         renvoie des erreurs d'E/S, comme un disque qui lache. DRBD
#                         applique sa politique on-io-error : "detach" (celle du lab) fait
#                         passer le disque Failed puis Diskless, et le noeud continue en
#                         lisant/ecrivant via le pair ; "call-local-io-error" lance en plus
#                         le handler local-io-error (par exemple /scripts/alert.sh io-error).
#
# Le disque lent et le disque en erreur sont injectes sous DRBD par "labctl disk-fault"
# (un vrai disque defaillant ne se commande pas...). Tout le reste utilise les vrais outils.

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"
MNT=/mnt/drbd
ME=$(uname -n)

usage() {
    echo "Usage: $0 network [DUREE|--undo] | slow-disk [--undo] | disk-full [--undo] | crash [--undo]" >&2
    exit 1
}

run() {
    echo ">>> $*"
    command "$@"
}

backing_disk() {
    # "disk /dev/sda1;" et non une section "disk { ... }"
    awk '$1 == "disk" && $2 ~ /^\// { sub(/;$/, "", $2); print $2; exit }' "$CONF"
}

peer_ips() {
    awk -v me="$ME" '$1 == "on" { h = $2 } $1 == "address" && h != me { sub(/;$/, "", $2); split($2, a, ":"); print a[1] }' "$CONF"
}

to_seconds() {
    case "$1" in
        *ms) echo $(( ${1%ms} / 1000 )) ;;
        *s)  echo "${1%s}" ;;
        *m)  echo $(( ${1%m} * 60 )) ;;
        *)   echo "$1" ;;
    esac
}

# Etat de la connexion et de la replication, tel que "drbdadm status" le montre
state() {
    local c r
    c=$(drbdadm cstate "$RES" 2>/dev/null)
    r=$(drbdadm status "$RES" | grep -o 'replication:[A-Za-z]*' | head -n 1)
    echo "connection: $c${r:+ $r}"
}

[ $# -ge 1 ] || usage
MODE=$1
shift
UNDO=no
if [ "$MODE" != network ]; then
    case "$#:$1" in
        0:) ;;
        1:--undo) UNDO=yes ;;
        *) usage ;;
    esac
fi

case "$MODE" in
    network)
        [ $# -le 1 ] || usage
        IPS=$(peer_ips)
        if [ "$1" = --undo ]; then
            # apres un Ctrl-C pendant la coupure (le script n'a pas pu retablir le lien)
            for ip in $IPS; do
                iptables -D INPUT -s "$ip" -j DROP 2> /dev/null && echo ">>> iptables -D INPUT -s $ip -j DROP"
                iptables -D OUTPUT -d "$ip" -j DROP 2> /dev/null && echo ">>> iptables -D OUTPUT -d $ip -j DROP"
            done
            iptables -S | grep -q DROP || echo "Plus aucune regle DROP : le lien de replication est retabli."
            exit 0
        fi
        DUR=${1:-30s}
        echo "$DUR" | grep -qE '^[0-9]+(ms|s|m)?$' || usage
        SECS=$(to_seconds "$DUR")
        echo "== Coupure du reseau de replication pendant $DUR"
        for ip in $IPS; do
            run iptables -A INPUT -s "$ip" -j DROP
            run iptables -A OUTPUT -d "$ip" -j DROP
        done
        echo "(Ctrl-C pendant la coupure laisse les regles en place : $0 network --undo)"
        restore() {
            for ip in $IPS; do
                run iptables -D INPUT -s "$ip" -j DROP
                run iptables -D OUTPUT -d "$ip" -j DROP
            done
        }
        last=""
        wrote=no
        for i in $(seq 1 "$SECS"); do
            sleep 1 || exit 130
            now=$(state)
            [ "$now" != "$last" ] && echo "  +${i}s  $now"
            last=$now
            # Sur le Primary, on continue d'ecrire pendant la coupure : DRBD marque les blocs
            # modifies dans le bitmap (out-of-sync) et les renverra a la reconnexion.
            if [ "$wrote" = no ] && [ "$(drbdadm cstate "$RES")" != Connected ] && mount | grep -q " on $MNT "; then
                echo ">>> dd if=/dev/urandom of=$MNT/pendant-coupure.bin bs=1M count=8"
                dd if=/dev/urandom of="$MNT/pendant-coupure.bin" bs=1M count=8 2> /dev/null
                sync
                echo "  blocs a renvoyer au pair : $(drbdsetup status "$RES" --verbose --statistics | grep -o 'out-of-sync:[0-9]*' | head -n 1)"
                wrote=yes
            fi
        done
        echo "== Retablissement du lien"
        restore
        for i in $(seq 1 60); do
            sleep 1 || exit 130
            now=$(state)
            [ "$now" != "$last" ] && echo "  +${i}s  $now"
            last=$now
            if [ "$(drbdadm cstate "$RES")" = Connected ] && ! drbdadm status "$RES" | grep -q 'replication:Sync'; then
                break
            fi
        done
        drbdadm status "$RES"
        ;;
    slow-disk)
        DISK=$(backing_disk)
        if [ "$UNDO" = yes ]; then
            run labctl disk-fault "$DISK" none
        else
            run labctl disk-fault "$DISK" slow
            echo "Mesurez l'effet : /scripts/monitor.sh latency ou /scripts/benchmark.sh latency"
            echo "Retour a la normale : $0 slow-disk --undo"
        fi
        ;;
    disk-full)
        if ! mount | grep -q " on $MNT "; then
            echo "$MNT n'est pas monte : rien a remplir (a lancer sur le Primary)." >&2
            exit 1
        fi
        if [ "$UNDO" = yes ]; then
            run rm -f "$MNT/.remplissage"
            df -h "$MNT"
            exit 0
        fi
        echo ">>> dd if=/dev/zero of=$MNT/.remplissage bs=1M   (jusqu'a ce que le disque soit plein)"
        dd if=/dev/zero of="$MNT/.remplissage" bs=1M
        df -h "$MNT"
        echo "Le systeme de fichiers est plein : toute ecriture echoue avec 'No space left on device'."
        echo "Retour a la normale : $0 disk-full --undo"
        ;;
    crash)
        DISK=$(backing_disk)
        if [ "$UNDO" = yes ]; then
            run labctl disk-fault "$DISK" none
            run drbdadm attach "$RES"
            sleep 2
            drbdadm status "$RES"
            exit 0
        fi
        run labctl disk-fault "$DISK" eio
        # une E/S suffit pour que DRBD decouvre la panne
        if mount | grep -q " on $MNT "; then
            echo ">>> dd if=/dev/zero of=$MNT/.test-io bs=4k count=1 oflag=direct"
            dd if=/dev/zero of="$MNT/.test-io" bs=4k count=1 oflag=direct
        else
            echo ">>> dd if=/dev/drbd0 of=/dev/null bs=4k count=1 iflag=direct"
            dd if=/dev/drbd0 of=/dev/null bs=4k count=1 iflag=direct
        fi
        sleep 1
        drbdadm status "$RES"
        dmesg | grep -E 'I/O error|io-error|Local IO failed|-> Diskless|new current UUID' | tail -n 8
        echo "Retour a la normale : $0 crash --undo"
        ;;
    *)
        usage
        ;;
esac
