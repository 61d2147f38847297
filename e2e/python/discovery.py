"""The Discovery API through boto3 (and the Catalog API that feeds it) against a mercato
sandbox. Run by e2e/python_test.go with MERCATO_URL and the scenario's keys in the
environment; prints one "ok <name>" line per check and exits non-zero on the first failure."""

import json
import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

URL = os.environ["MERCATO_URL"]
CONFIG = Config(retries={"max_attempts": 1})


def client(service, role):
    return boto3.client(
        service,
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id=os.environ[f"MERCATO_{role}_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ[f"MERCATO_{role}_SECRET_ACCESS_KEY"],
        config=CONFIG,
    )


def check(name, cond, detail=""):
    if not cond:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok {name}")


def error_code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


def settle(catalog, cs_id):
    # The sandbox applies a change set by itself, without any move of its clock.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = catalog.describe_change_set(Catalog="AWSMarketplace", ChangeSetId=cs_id)
        if out["Status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return out
        time.sleep(0.05)
    raise SystemExit(f"change set {cs_id} did not end")


def change(change_type, entity, details, name=None):
    c = {"ChangeType": change_type, "Entity": {"Type": "Offer@1.0"}, "DetailsDocument": details}
    if entity:
        c["Entity"]["Identifier"] = entity
    if name:
        c["ChangeName"] = name
    return c


def main():
    seller = client("marketplace-catalog", "SELLER")
    buyer = client("marketplace-discovery", "BUYER")
    other = client("marketplace-discovery", "OTHER")
    buyer_id, other_id = os.environ["MERCATO_BUYER_ACCOUNT"], os.environ["MERCATO_OTHER_ACCOUNT"]

    ref = "$Offer.Entity.Identifier"
    released = seller.start_change_set(Catalog="AWSMarketplace", ChangeSet=[
        change("CreateOffer", None, {"ProductId": "prod-e2e-storage", "Name": "Storage for Buyer One"}, "Offer"),
        change("UpdateTargeting", ref, {"PositiveTargeting": {"BuyerAccounts": [buyer_id]}}),
        change("UpdatePricingTerms", ref, {"PricingModel": "Contract", "Terms": [{"Type": "FixedUpfrontPricingTerm",
                "CurrencyCode": "EUR", "Price": "0.00", "Duration": "P12M"}]}),
        change("UpdatePaymentScheduleTerms", ref, {"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "EUR",
                "Schedule": [{"ChargeDate": "2026-03-20", "ChargeAmount": "250.00"},
                             {"ChargeDate": "2026-06-20", "ChargeAmount": "250.00"}]}]}),
        change("UpdateValidityTerms", ref, {"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P12M"}]}),
        change("UpdateSupportTerms", ref, {"Terms": [{"Type": "SupportTerm", "RefundPolicy": "Refunds within 14 days."}]}),
        change("UpdateAvailability", ref, {"AvailabilityEndDate": "2026-04-30"}),
        change("ReleaseOffer", ref, {}),
    ])
    cs = settle(seller, released["ChangeSetId"])
    check("change set succeeded", cs["Status"] == "SUCCEEDED", json.dumps(cs, default=str))
    offer_id = cs["ChangeSet"][0]["Entity"]["Identifier"]

    draft_cs = seller.start_change_set(Catalog="AWSMarketplace", ChangeSet=[
        change("CreateOffer", None, {"ProductId": "prod-e2e-storage", "Name": "Not yet"}, "Draft"),
        change("UpdateTargeting", "$Draft.Entity.Identifier", {"PositiveTargeting": {"BuyerAccounts": [buyer_id]}}),
    ])
    draft_id = settle(seller, draft_cs["ChangeSetId"])["ChangeSet"][0]["Entity"]["Identifier"]

    offer = buyer.get_offer(offerId=offer_id)
    check("GetOffer names the agreement proposal", offer["agreementProposalId"].startswith("ap-"), offer)
    check("GetOffer: private pricing badge",
          any(b["badgeType"] == "PRIVATE_PRICING" for b in offer["badges"]), offer["badges"])
    check("GetOffer: expiry is the end of the last day",
          offer["expirationTime"].isoformat().startswith("2026-05-01T00:00:00"), offer["expirationTime"])
    check("GetOffer: the product", offer["associatedEntities"][0]["product"]["productId"] == "prod-e2e-storage")

    terms = buyer.get_offer_terms(offerId=offer_id)["offerTerms"]
    kinds = sorted(k for t in terms for k in t)
    check("GetOfferTerms: every term", kinds == ["fixedUpfrontPricingTerm", "paymentScheduleTerm",
                                                  "supportTerm", "validityTerm"], kinds)
    schedule = [t["paymentScheduleTerm"] for t in terms if "paymentScheduleTerm" in t][0]
    check("GetOfferTerms: schedule dates are timestamps",
          schedule["schedule"][0]["chargeDate"].isoformat().startswith("2026-03-20"), schedule)
    check("GetOfferTerms: currency other than USD", schedule["currencyCode"] == "EUR", schedule)
    support = [t["supportTerm"] for t in terms if "supportTerm" in t][0]
    check("GetOfferTerms: refund policy", support["refundPolicy"] == "Refunds within 14 days.", support)

    code, status = error_code(other.get_offer, offerId=offer_id)
    check("another buyer cannot see the private offer", (code, status) == ("ResourceNotFoundException", 404), code)
    code, status = error_code(buyer.get_offer, offerId=draft_id)
    check("a draft is invisible to its buyer", (code, status) == ("ResourceNotFoundException", 404), code)
    code, status = error_code(buyer.get_offer, offerId="no such offer")
    check("a malformed offer ID is a ValidationException", (code, status) == ("ValidationException", 400), code)

    private = buyer.list_purchase_options(filters=[{"filterType": "VISIBILITY_SCOPE", "filterValues": ["PRIVATE"]}])
    ids = [o["purchaseOptionId"] for o in private["purchaseOptions"]]
    check("ListPurchaseOptions: the buyer's private offers", offer_id in ids and draft_id not in ids, ids)
    mine = buyer.list_purchase_options(filters=[{"filterType": "PRODUCT_ID", "filterValues": ["prod-e2e-storage"]}])
    check("ListPurchaseOptions: by product", {o["purchaseOptionId"] for o in mine["purchaseOptions"]} >= {offer_id, "offer-e2e-storage"},
          mine["purchaseOptions"])
    others = other.list_purchase_options(filters=[{"filterType": "PRODUCT_ID", "filterValues": ["prod-e2e-storage"]}])
    check("ListPurchaseOptions: none of another's private offers",
          offer_id not in [o["purchaseOptionId"] for o in others["purchaseOptions"]], others)
    pages, token, seen = 0, None, []
    while True:
        kw = {"maxResults": 1}
        if token:
            kw["nextToken"] = token
        page = buyer.list_purchase_options(**kw)
        pages += 1
        seen += [o["purchaseOptionId"] for o in page["purchaseOptions"]]
        token = page.get("nextToken")
        if not token:
            break
    check("ListPurchaseOptions pages one by one", len(seen) == len(set(seen)) == pages and offer_id in seen, (pages, seen))

    product = buyer.get_product(productId="prod-e2e-storage")
    check("GetProduct", product["productName"] == "E2E Storage" and "Cancel any time." in product["longDescription"], product)
    listing = buyer.get_listing(listingId="prod-e2e-storage")
    check("GetListing", listing["listingName"] == "E2E Storage", listing)
    found = buyer.search_listings(searchText="storage")
    check("SearchListings", [l["listingId"] for l in found["listingSummaries"]] == ["prod-e2e-storage"], found)
    facets = buyer.search_facets(facetTypes=["PUBLISHER"])
    check("SearchFacets counts publishers", facets["totalResults"] >= 1 and "PUBLISHER" in facets["listingFacets"], facets)
    options = buyer.list_fulfillment_options(productId="prod-e2e-storage")
    check("ListFulfillmentOptions", "saasFulfillmentOption" in options["fulfillmentOptions"][0], options)
    code, _ = error_code(buyer.get_offer_set, offerSetId="os-none")
    check("GetOfferSet of no set", code == "ResourceNotFoundException", code)


if __name__ == "__main__":
    main()
