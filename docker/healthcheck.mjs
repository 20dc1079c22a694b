// Liveness probe of the image (Dockerfile HEALTHCHECK and the ECS container health check):
// exits 0 when GET /health/live answers 200 within 3 s. Node is used because the runtime
// image has no curl.
import { request } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const path = process.env.HEALTHCHECK_PATH ?? '/health/live';

const probe = request({ host: '127.0.0.1', port, path, timeout: 3000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
probe.on('timeout', () => {
  probe.destroy();
  process.exit(1);
});
probe.on('error', () => process.exit(1));
probe.end();
