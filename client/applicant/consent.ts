// The camera, microphone and location prompts come after the page has said who is calling and why:
// on a tap of "start", or at once when this tab started before (a reload, "join again") or the
// browser already allows camera and microphone for this site (no prompt can appear then).

const key = () => `kanyan.started:${location.pathname}`;

/** The shop owner started the inspection in this tab before. */
export function startedInThisTab(): boolean {
  try {
    return sessionStorage.getItem(key()) === '1';
  } catch {
    return false;
  }
}

export function rememberStart(): void {
  try {
    sessionStorage.setItem(key(), '1');
  } catch {
    // Private mode: a reload asks for the tap again, nothing worse.
  }
}

/** Whether the browser already allows both camera and microphone here (then opening them asks nothing). */
export async function mediaAlreadyAllowed(): Promise<boolean> {
  const perms = navigator.permissions;
  if (!perms?.query || !navigator.mediaDevices?.getUserMedia) return false;
  try {
    const [camera, mic] = await Promise.all([perms.query({ name: 'camera' as PermissionName }), perms.query({ name: 'microphone' as PermissionName })]);
    return camera.state === 'granted' && mic.state === 'granted';
  } catch {
    // Browsers that cannot be asked about the camera (older Firefox, some in-app browsers): wait for the tap.
    return false;
  }
}

