#!/bin/bash
# monitor.sh - Surveillance de r0 (TP2, TP5 section 8.1)
#
#   latency [N]                 N sondes d'ecriture 4 KiB, une par seconde (style ioping)
#   watch [--count N] [--interval S]
#                               tableau de bord rafraichi toutes les S secondes (2 par defaut)
#                               jusqu'a Ctrl-C, ou N fois (aussi : variable MONITOR_COUNT)
#
# Le tableau de bord ne montre que des donnees reelles de ce noeud :
#   drbdadm status r0                               roles, disques, connexion, synchro
#   drbdsetup status r0 --verbose --statistics      compteurs (sent, received, pending...)
#   drbdsetup show r0                               protocole en vigueur
#   mount                                           /mnt/drbd monte ou non
# Le debit "last 60s" vient des compteurs written:/read: du volume, echantillonnes a chaque
# rafraichissement. L'etat "Mounted" du pair ne se voit pas d'ici : un Secondary
# ne peut pas etre monte (DRBD refuse l'ouverture), on l'affiche donc "No" ; "?" sinon.

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"
MNT=/mnt/drbd
ME=$(uname -n)
W=64

usage() {
    echo "Usage: $0 latency [N] | watch [--count N] [--interval S]" >&2
    exit 1
}

# Largeurs comptees en caracteres (${#s}), pas en octets : le cadre contient de l'UTF-8
SPACES="                                                                 "
LINE="─────────────────────────────────────────────────────────────────"
FULL="████████████████████████████"
EMPTY="░░░░░░░░░░░░░░░░░░░░░░░░░░░░"
pad() {
    local n=$(($2 - ${#1}))
    [ $n -lt 0 ] && n=0
    printf '%s%s' "$1" "${SPACES:0:n}"
}
row() { printf '│ %s│\n' "$(pad "$1" "$W")"; }
rule() { echo "$1$LINE$2"; }
ip_of() {
    awk -v h="$1" '$1 == "on" && $2 == h { f = 1 } f && $1 == "address" { sub(/;$/, "", $2); split($2, a, ":"); print a[1]; exit }' "$CONF"
}
label_of() {
    case "$1" in
        node[0-9]*) echo "Node ${1#node}" ;;
        *) echo "$1" ;;
    esac
}
field() {
    local tok
    for tok in $2; do
        case "$tok" in "$1":*) echo "${tok#*:}"; return ;; esac
    done
}
# KiB -> texte lisible (KB, MB, GB)
human() {
    local k=${1:-0}
    if [ "$k" -ge 1048576 ]; then
        echo "$(awk -v k="$k" 'BEGIN { printf "%.1f GB", k / 1048576 }')"
    elif [ "$k" -ge 1024 ]; then
        echo "$(awk -v k="$k" 'BEGIN { printf "%.0f MB", k / 1024 }')"
    else
        echo "$k KB"
    fi
}

# Historique des compteurs (date, KiB ecrits, KiB lus), garde entre deux lancements :
# le debit "last 60s" compare l'echantillon courant au plus ancien des 60 dernieres secondes.
HIST=/var/tmp/drbd-monitor-$RES.hist

render() {
    local status stats show cstate proto plabel peer
    status=$(drbdadm status "$RES" 2>&1) || { echo "$status"; return 1; }
    stats=$(drbdsetup status "$RES" --verbose --statistics)
    show=$(drbdsetup show "$RES")
    proto=$(echo "$show" | awk '$1 == "protocol" { sub(/;$/, "", $2); print $2; exit }')
    proto=${proto:-C}
    case "$proto" in
        A) plabel="A (Asynchronous)" ;;
        B) plabel="B (Semi-synchronous)" ;;
        *) plabel="C (Synchronous)" ;;
    esac

    local my_role my_disk p_role p_disk done_pct="" line
    my_role=$(echo "$status" | head -n 1 | sed -E 's/.*role:([A-Za-z]+).*/\1/')
    my_disk=$(echo "$status" | grep -m 1 -oE '^  (volume:[0-9]+ )?disk:[A-Za-z]+' | sed 's/.*disk://')
    peer=$(awk '$1 == "on" { print $2 }' "$CONF" | grep -vx "$ME" | head -n 1)
    line=$(echo "$status" | grep -E "^  $peer ")
    p_role=$(field role "$line")
    cstate=$(field connection "$line")
    cstate=${cstate:-Connected}
    p_role=${p_role:-Unknown}
    line=$(echo "$status" | awk -v p="$peer" '$1 == p { f = 1; next } f && /^    / { print; exit } f { exit }')
    p_disk=$(field peer-disk "$line")
    p_disk=${p_disk:-DUnknown}
    done_pct=$(field done "$line")

    local my_mnt="No" p_mnt="?"
    mount | grep -q " on $MNT " && my_mnt="Yes"
    [ "$p_role" = Secondary ] && p_mnt="No"

    # compteurs : volume local et connexion au pair
    local vline pline sent recv pend unack oos wr rd
    vline=$(echo "$stats" | grep -m 1 -E '^ +size:')
    pline=$(echo "$stats" | grep -m 1 -E '^ +received:')
    wr=$(field written "$vline"); rd=$(field read "$vline")
    sent=$(field sent "$pline"); recv=$(field received "$pline")
    pend=$(field pending "$pline"); unack=$(field unacked "$pline"); oos=$(field out-of-sync "$pline")

    # synchronisation
    local pct state bar n
    if [ -n "$done_pct" ]; then
        pct=${done_pct%%.*}; state="Syncing"
    elif [ "$my_disk" = UpToDate ] && [ "$p_disk" = UpToDate ]; then
        pct=100; state="Complete"
    elif [ "$p_disk" = DUnknown ]; then
        pct=0; state="Peer unknown"
    else
        pct=0; state="$my_disk/$p_disk"
    fi
    n=$(( pct * 28 / 100 ))
    bar="${FULL:0:n}${EMPTY:0:$((28 - n))}"

    # debit sur la fenetre glissante de 60 s
    local now perf first t0 w0 r0 k
    now=$(date +%s)
    mkdir -p /var/tmp
    echo "$now ${wr:-0} ${rd:-0}" >> "$HIST"
    first=$(awk -v now="$now" '$1 >= now - 60 { print; exit }' "$HIST")
    read -r t0 w0 r0 <<< "$first"
    k=$(( now - t0 ))
    if [ "$k" -gt 0 ]; then
        perf="Write: $(awk -v a="$w0" -v b="${wr:-0}" -v t="$k" 'BEGIN { printf "%.1f", (b - a) / 1024 / t }') MB/s    Read: $(awk -v a="$r0" -v b="${rd:-0}" -v t="$k" 'BEGIN { printf "%.1f", (b - a) / 1024 / t }') MB/s    (${k}s)"
    else
        perf="(mesure au prochain rafraichissement)"
    fi

    local conn="       "
    [ "$cstate" = Connected ] && conn="◄─────►"
    local title="DRBD MONITOR - $RES"

    rule "┌" "┐"
    row "$(pad "" 19)$title"
    rule "├" "┤"
    row "Time: $(date '+%Y-%m-%d %H:%M:%S')"
    row ""
    row "Connection State: $cstate"
    row "Protocol: $plabel"
    row ""
    row "$(pad "$(label_of "$ME") ($(ip_of "$ME"))" 30)$(label_of "$peer") ($(ip_of "$peer"))"
    row "┌─────────────────────┐       ┌─────────────────────┐"
    row "│ $(pad "Role: $my_role" 20)│       │ $(pad "Role: $p_role" 20)│"
    row "│ $(pad "Disk: $my_disk" 20)│$conn│ $(pad "Disk: $p_disk" 20)│"
    row "│ $(pad "Mounted: $my_mnt" 20)│       │ $(pad "Mounted: $p_mnt" 20)│"
    row "└─────────────────────┘       └─────────────────────┘"
    # au-dela de deux noeuds (DRBD 9), une ligne par pair supplementaire
    local other oline odisk orole oconn
    for other in $(awk '$1 == "on" { print $2 }' "$CONF" | grep -vx "$ME" | tail -n +2); do
        oline=$(echo "$status" | grep -E "^  $other ")
        odisk=$(echo "$status" | awk -v p="$other" '$1 == p { f = 1; next } f && /^    / { print; exit } f { exit }')
        orole=$(field role "$oline")
        oconn=$(field connection "$oline")
        row "$(label_of "$other") ($(ip_of "$other")): ${orole:-Unknown}, $(field peer-disk "$odisk" | grep . || echo DUnknown), ${oconn:-Connected}"
    done
    row ""
    row "Sync Progress: $(pad "$pct%" 6)$bar  $state"
    row ""
    row "Network Stats:"
    row "  $(pad "Sent: $(human "$sent")" 16)$(pad "Received: $(human "$recv")" 19)Pending: ${pend:-0}"
    row "  $(pad "Unacked: ${unack:-0}" 16)OutOfSync: ${oos:-0} KB"
    row ""
    row "Performance (last 60s):"
    row "  $perf"
    rule "└" "┘"
}

case "$1" in
    latency)
        [ $# -le 2 ] || usage
        N=${2:-5}
        echo "$N" | grep -qE '^[0-9]+$' || usage
        labctl ioping "$N" "$RES"
        ;;
    watch)
        shift
        COUNT=${MONITOR_COUNT:-0}
        INTERVAL=2
        while [ $# -gt 0 ]; do
            case "$1" in
                --count) COUNT=$2; shift 2 ;;
                --interval) INTERVAL=$2; shift 2 ;;
                *) usage ;;
            esac
        done
        echo "$COUNT" | grep -qE '^[0-9]+$' || usage
        echo "$INTERVAL" | grep -qE '^[0-9]+$' || usage
        n=0
        while :; do
            printf '\033[H\033[2J'
            render || exit 1
            n=$((n + 1))
            if [ "$COUNT" -gt 0 ] && [ "$n" -ge "$COUNT" ]; then
                break
            fi
            echo "(rafraichi toutes les ${INTERVAL}s - Ctrl-C pour quitter)"
            sleep "$INTERVAL" || exit 130
        done
        ;;
    *)
        usage
        ;;
esac
