"""A limited listing through boto3's Discovery client: prod-e2e-reports allow-lists only the
buyer (e2e/limited_test.go set it so through the Catalog API); the other buyer is told its
offer, product and listing do not exist. Prints one "ok <name>" line per check and exits
non-zero on the first failure."""

from harness import check, client, refusal


def main():
    buyer, other = client("marketplace-discovery", "BUYER"), client("marketplace-discovery", "OTHER")

    code, status, message = refusal(other.get_offer, offerId="offer-e2e-reports")
    check("GetOffer outside the allow-list", (code, status) == ("ResourceNotFoundException", 404) and "limited listing" in message,
          (code, status, message))
    code, status, _ = refusal(other.get_product, productId="prod-e2e-reports")
    check("GetProduct outside the allow-list", (code, status) == ("ResourceNotFoundException", 404), (code, status))
    code, status, _ = refusal(other.get_listing, listingId="prod-e2e-reports")
    check("GetListing outside the allow-list", (code, status) == ("ResourceNotFoundException", 404), (code, status))
    found = other.search_listings(searchText="reports")
    check("SearchListings outside the allow-list", found["listingSummaries"] == [], found)

    offer = buyer.get_offer(offerId="offer-e2e-reports")
    check("GetOffer on the allow-list", offer["offerId"] == "offer-e2e-reports", offer)
    found = buyer.search_listings(searchText="reports")
    check("SearchListings on the allow-list", [l["listingId"] for l in found["listingSummaries"]] == ["prod-e2e-reports"], found)


if __name__ == "__main__":
    main()
