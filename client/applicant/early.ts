import { startEarlyCamera } from './earlyCamera';

startEarlyCamera();
