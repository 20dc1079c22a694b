import { DigestFormatError, parseQldbDigest } from './digest.js';

const digest = Buffer.alloc(32, 9);
const tip = '{strandId:"JdxjkR9bSYB5jMHWcI464T",sequenceNo:49}';

describe('parseQldbDigest', () => {
  it('reads the JSON of aws qldb get-digest', () => {
    const parsed = parseQldbDigest(
      JSON.stringify({ Digest: digest.toString('base64'), DigestTipAddress: { IonText: tip } }),
    );
    expect(parsed).toEqual({ digest, tipAddress: { strandId: 'JdxjkR9bSYB5jMHWcI464T', sequenceNo: 49 } });
  });

  it('reads an Ion digest file with a blob and the tip as Ion text or a struct', () => {
    for (const address of [JSON.stringify(tip), tip]) {
      const parsed = parseQldbDigest(
        `{digest:{{${digest.toString('base64')}}}, digestTipAddress:${address}, ledger:"vehicle-registration"}`,
      );
      expect(parsed.tipAddress).toEqual({ strandId: 'JdxjkR9bSYB5jMHWcI464T', sequenceNo: 49 });
      expect(parsed.digest).toEqual(digest);
    }
  });

  it('adds the proof and the proved block of a get-block output, and an explicit BlockAddress', () => {
    const proof = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const parsed = parseQldbDigest(
      JSON.stringify({ Digest: digest.toString('base64'), DigestTipAddress: { IonText: tip } }),
      JSON.stringify({
        Proof: { IonText: `[${proof.map((p) => `{{${p.toString('base64')}}}`).join(',')}]` },
        BlockAddress: { IonText: '{strandId:"JdxjkR9bSYB5jMHWcI464T",sequenceNo:40}' },
      }),
    );
    expect(parsed.proof).toEqual(proof);
    expect(parsed.provedAddress).toEqual({ strandId: 'JdxjkR9bSYB5jMHWcI464T', sequenceNo: 40 });
  });

  it.each([
    ['not Ion at all {', /neither JSON nor Ion/],
    ['[1,2]', /one struct/],
    [JSON.stringify({ DigestTipAddress: { IonText: tip } }), /no Digest/],
    [JSON.stringify({ Digest: digest.toString('base64') }), /no DigestTipAddress/],
    [JSON.stringify({ Digest: 'AAAA', DigestTipAddress: { IonText: tip } }), /Digest is 3 bytes/],
    [
      JSON.stringify({ Digest: digest.toString('base64'), DigestTipAddress: { IonText: '{strandId:"x"}' } }),
      /sequenceNo is missing/,
    ],
  ])('refuses %s', (text, message) => {
    expect(() => parseQldbDigest(text)).toThrow(DigestFormatError);
    expect(() => parseQldbDigest(text)).toThrow(message);
  });
});
