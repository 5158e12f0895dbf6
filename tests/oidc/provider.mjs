// A real OpenID Connect provider (node's oidc-provider) for the single sign-on tests, on 127.0.0.1 only.
// The test says who signs in next, and how (amr, acr), with POST /test/next-login; the provider's sign-in and
// consent screens are skipped for that person. Everything else is the library's own protocol handling.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const accounts = JSON.parse(process.env.ACCOUNTS || "{}"); // {accountId: {email, email_verified}}
let nextLogin = null;

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  claims: { openid: ["sub", "acr", "amr", "auth_time"], email: ["email", "email_verified"] },
  acrValues: ["urn:example:mfa", "urn:example:password"],
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => false },
  cookies: { keys: ["only-for-tests"] },
});

async function readJson(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return JSON.parse(body || "{}");
}

provider.use(async (ctx, next) => {
  if (ctx.method === "POST" && ctx.path === "/test/next-login") {
    nextLogin = await readJson(ctx.req);
    ctx.status = 204;
    return;
  }
  if (ctx.method === "GET" && ctx.path.startsWith("/interaction/")) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { accountId, amr, acr } = nextLogin;
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const result = { login: { accountId, amr, acr }, consent: { grantId } };
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
    return;
  }
  await next();
});

provider.listen(port, "127.0.0.1", () => console.log("ready"));
