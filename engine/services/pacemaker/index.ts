/** Pacemaker/Corosync subset for exercise 9.3: `pacemakerSubsystem()` plugs into the world. */
export { PacemakerCluster, pacemakerSubsystem } from "./cluster";
