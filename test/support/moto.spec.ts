import { startMoto } from './moto.js';

it('starts a real moto_server that answers', async () => {
  const moto = await startMoto();
  try {
    const response = await fetch(`${moto.endpoint}/moto-api/`);
    expect(response.status).toBe(200);
  } finally {
    await moto.stop();
  }
});
