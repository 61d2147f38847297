package service

// EntityARN returns the ARN of a catalog entity of a kind (Offer, SaaSProduct,
// ResaleAuthorization ...) in its owner's account, as the Catalog API and IAM policies name it.
func EntityARN(owner, kind, id string) string { return entityARN(owner, kind, entityID(id)) }
