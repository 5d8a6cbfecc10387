import { startEarlyCamera } from './earlyCamera';
import { openEarlySocket } from './earlySocket';

startEarlyCamera();
openEarlySocket();
