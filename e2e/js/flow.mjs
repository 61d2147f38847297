// mercato through the AWS SDK for JavaScript v3 (awsJson1_0, the JS Agreement client's
// protocol, and awsJson1_1, the Entitlement client's).
// Run by TestJavaScriptSDK (e2e/js_test.go), which starts a sandbox on e2e/testdata/scenario.yaml
// and passes MERCATO_URL and the scenario's access keys:
//   MERCATO_SELLER_ACCESS_KEY_ID, MERCATO_SELLER_SECRET_ACCESS_KEY,
//   MERCATO_BUYER_ACCESS_KEY_ID, MERCATO_BUYER_SECRET_ACCESS_KEY (buyer one).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MarketplaceAgreementClient,
  SearchAgreementsCommand,
  ListAgreementInvoiceLineItemsCommand,
  BatchCreateBillingAdjustmentRequestCommand,
  SendAgreementCancellationRequestCommand,
  GetAgreementCancellationRequestCommand,
  DescribeAgreementCommand,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-marketplace-agreement";
import {
  MarketplaceEntitlementServiceClient,
  GetEntitlementsCommand,
  InvalidParameterException,
} from "@aws-sdk/client-marketplace-entitlement-service";

function env(name) {
  const v = process.env[name];
  assert.ok(v, `${name} must be set`);
  return v;
}

function client(who) {
  return new MarketplaceAgreementClient({
    endpoint: env("MERCATO_URL"),
    region: "us-east-1",
    maxAttempts: 1,
    credentials: {
      accessKeyId: env(`MERCATO_${who}_ACCESS_KEY_ID`),
      secretAccessKey: env(`MERCATO_${who}_SECRET_ACCESS_KEY`),
    },
  });
}

const seller = client("SELLER");
const buyer = client("BUYER");
const contract = "agmt-e2e-contract"; // buyer one's contract: invoices of 1200.00 and 800.00 USD
const now = new Date("2026-03-01T00:00:00Z"); // the scenario's clock

const byParty = (party) => [{ name: "PartyType", values: [party] }];

test("SearchAgreements as proposer and acceptor", async () => {
  const mine = await seller.send(new SearchAgreementsCommand({ filters: byParty("Proposer") }));
  const ids = mine.agreementViewSummaries.map((s) => s.agreementId).sort();
  assert.deepEqual(ids, [
    "agmt-e2e-consulting-auto", "agmt-e2e-consulting-wait", "agmt-e2e-contract", "agmt-e2e-fixed",
    "agmt-e2e-payg", "agmt-e2e-payg-one", "agmt-e2e-storage",
  ]);
  assert.equal(mine.nextToken, undefined);

  const page = await buyer.send(new SearchAgreementsCommand({
    filters: byParty("Acceptor"), maxResults: 2,
    sort: { sortBy: "EndTime", sortOrder: "DESCENDING" },
  }));
  assert.equal(page.agreementViewSummaries.length, 2);
  assert.match(page.nextToken, /^[a-zA-Z0-9+/=_-]+$/);
  const rest = await buyer.send(new SearchAgreementsCommand({
    filters: byParty("Acceptor"), maxResults: 2, nextToken: page.nextToken,
    sort: { sortBy: "EndTime", sortOrder: "DESCENDING" },
  }));
  assert.equal(rest.agreementViewSummaries.length, 1);
  assert.equal(rest.nextToken, undefined);

  const c = page.agreementViewSummaries.concat(rest.agreementViewSummaries).find((s) => s.agreementId === contract);
  assert.ok(c, "the contract is among buyer one's agreements");
  assert.ok(c.startTime instanceof Date);
  assert.equal(c.startTime.toISOString(), "2026-01-10T00:00:00.000Z");
  assert.equal(c.endTime.toISOString(), "2027-01-10T00:00:00.000Z");
  assert.equal(c.status, "ACTIVE");
  assert.equal(c.acceptor.accountId, "444455556666");
  assert.equal(c.proposer.accountId, "111122223333");
  assert.deepEqual(c.proposalSummary.resources, [{ id: "prod-e2e-backup", type: "SaaSProduct" }]);
});

async function invoices() {
  const out = await seller.send(new ListAgreementInvoiceLineItemsCommand({ agreementId: contract, groupBy: "INVOICE_ID" }));
  return out.agreementInvoiceLineItemGroupSummaries;
}

let firstInvoice;

test("ListAgreementInvoiceLineItems", async () => {
  const groups = await invoices();
  assert.equal(groups.length, 2);
  assert.deepEqual(groups.map((g) => g.pricingCurrencyAmount), [
    { amount: "1200.00", maxAdjustmentAmount: "1200.00", currencyCode: "USD" },
    { amount: "800.00", maxAdjustmentAmount: "800.00", currencyCode: "USD" },
  ]);
  assert.deepEqual(groups.map((g) => g.invoiceBillingPeriod), [{ month: 1, year: 2026 }, { month: 2, year: 2026 }]);
  assert.equal(groups[0].issuedTime.toISOString(), "2026-01-15T00:00:00.000Z");
  assert.equal(groups[0].invoiceType, "INVOICE");
  assert.match(groups[0].invoiceId, /^inv-[a-z0-9]+$/);
  firstInvoice = groups[0].invoiceId;
});

test("BatchCreateBillingAdjustmentRequest", async () => {
  assert.ok(firstInvoice, "ListAgreementInvoiceLineItems ran first");
  const entries = [{
    agreementId: contract, originalInvoiceId: firstInvoice, adjustmentAmount: "200.00", currencyCode: "USD",
    adjustmentReasonCode: "BUYER_DISSATISFACTION", description: "Refund from the JS SDK", clientToken: "js-refund-1",
  }, {
    agreementId: contract, originalInvoiceId: firstInvoice, adjustmentAmount: "5000.00", currencyCode: "USD",
    adjustmentReasonCode: "OTHER", clientToken: "js-refund-too-much",
  }];
  const out = await seller.send(new BatchCreateBillingAdjustmentRequestCommand({ billingAdjustmentRequestEntries: entries }));
  assert.equal(out.items.length, 1);
  assert.equal(out.items[0].clientToken, "js-refund-1");
  assert.match(out.items[0].billingAdjustmentRequestId, /^ba-[a-z0-9]+$/);
  assert.equal(out.errors.length, 1);
  assert.equal(out.errors[0].clientToken, "js-refund-too-much");
  assert.equal(out.errors[0].code, "VALIDATION_EXCEPTION");

  // The refund is reserved at once; a replay of the token returns the same request.
  const groups = await invoices();
  assert.equal(groups[0].pricingCurrencyAmount.maxAdjustmentAmount, "1000.00");
  const again = await seller.send(new BatchCreateBillingAdjustmentRequestCommand({ billingAdjustmentRequestEntries: entries.slice(0, 1) }));
  assert.equal(again.items[0].billingAdjustmentRequestId, out.items[0].billingAdjustmentRequestId);
  assert.deepEqual(again.errors, []);

  const six = Array.from({ length: 6 }, (_, i) => ({ ...entries[0], clientToken: `js-six-${i}` }));
  await assert.rejects(
    seller.send(new BatchCreateBillingAdjustmentRequestCommand({ billingAdjustmentRequestEntries: six })),
    (err) => {
      assert.ok(err instanceof ValidationException, `got ${err.name}`);
      assert.equal(err.reason, "BILLING_ADJUSTMENTS_LIMIT_EXCEEDED");
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    },
  );
});

test("SendAgreementCancellationRequest then GetAgreementCancellationRequest", async () => {
  const sent = await seller.send(new SendAgreementCancellationRequestCommand({
    agreementId: contract, reasonCode: "TEST_AGREEMENT", description: "Sent from the JS SDK",
  }));
  assert.match(sent.agreementCancellationRequestId, /^acr-[a-z0-9]+$/);
  assert.equal(sent.status, "PENDING_APPROVAL");
  assert.equal(sent.reasonCode, "TEST_AGREEMENT");
  assert.ok(sent.createdAt instanceof Date);
  assert.equal(sent.createdAt.getTime(), now.getTime());

  const got = await buyer.send(new GetAgreementCancellationRequestCommand({
    agreementId: contract, agreementCancellationRequestId: sent.agreementCancellationRequestId,
  }));
  assert.equal(got.agreementCancellationRequestId, sent.agreementCancellationRequestId);
  assert.equal(got.agreementId, contract);
  assert.equal(got.status, "PENDING_APPROVAL");
  assert.equal(got.description, "Sent from the JS SDK");
  assert.equal(got.updatedAt.getTime(), now.getTime());
});

test("ResourceNotFoundException", async () => {
  await assert.rejects(
    seller.send(new DescribeAgreementCommand({ agreementId: "agmt-nonexistent" })),
    (err) => {
      assert.ok(err instanceof ResourceNotFoundException, `got ${err.name}`);
      assert.equal(err.resourceType, "Agreement");
      assert.equal(err.resourceId, "agmt-nonexistent");
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.match(err.$metadata.requestId, /^[0-9a-f-]{36}$/);
      return true;
    },
  );
});

test("GetEntitlements", async () => {
  const entitlements = new MarketplaceEntitlementServiceClient({
    endpoint: env("MERCATO_URL"),
    region: "us-east-1",
    maxAttempts: 1,
    credentials: {
      accessKeyId: env("MERCATO_SELLER_ACCESS_KEY_ID"),
      secretAccessKey: env("MERCATO_SELLER_SECRET_ACCESS_KEY"),
    },
  });
  // Buyer two's fixed price on prod-e2e-backup grants 5 workspaces for a year.
  const out = await entitlements.send(new GetEntitlementsCommand({
    ProductCode: "prod-e2e-backup", Filter: { DIMENSION: ["workspaces"] }, MaxResults: 25,
  }));
  assert.equal(out.NextToken, undefined);
  assert.equal(out.Entitlements.length, 1);
  const [e] = out.Entitlements;
  assert.equal(e.ProductCode, "prod-e2e-backup");
  assert.equal(e.Dimension, "workspaces");
  assert.equal(e.CustomerAWSAccountId, "777788889999");
  assert.equal(e.CustomerIdentifier, undefined);
  assert.equal(e.LicenseArn, "arn:aws:license-manager::777788889999:license:l-e2e-fixed");
  assert.deepEqual(e.Value, { IntegerValue: 5 });
  assert.ok(e.ExpirationDate instanceof Date);
  assert.equal(e.ExpirationDate.toISOString(), "2027-02-20T00:00:00.000Z");

  await assert.rejects(
    entitlements.send(new GetEntitlementsCommand({ ProductCode: "prod-e2e-backup", MaxResults: 26 })),
    (err) => {
      assert.equal(err.name, "ValidationException");
      assert.match(err.message, /'MaxResults'/);
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    },
  );
  await assert.rejects(
    entitlements.send(new GetEntitlementsCommand({ ProductCode: "prod-e2e-stranger" })),
    (err) => {
      assert.ok(err instanceof InvalidParameterException, `got ${err.name}`);
      return true;
    },
  );
});
