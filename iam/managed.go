package iam

import (
	"slices"
	"strings"
)

// The AWS managed policies for AWS Marketplace that mercato knows by name, with the documents
// AWS publishes (their default versions: AWSMarketplaceSellerFullAccess v27,
// AWSMarketplaceSellerProductsFullAccess v12, AWSMarketplaceSellerProductsReadOnly v5,
// AWSMarketplaceSellerOfferManagement v2). Actions of other services, and those mercato does
// not serve, never match a request; conditions on keys mercato cannot know (e.g.
// iam:PassedToService) never hold. Statement IDs are labels only; one of another service's
// statements is kept without its Sid.
var managedDocs = map[string]string{
	"AWSMarketplaceSellerFullAccess": `{"Version":"2012-10-17","Statement":[
{"Sid":"MarketplaceManagement","Effect":"Allow","Action":["aws-marketplace-management:uploadFiles","aws-marketplace-management:viewReports",
 "aws-marketplace-management:viewSupport","aws-marketplace:ListChangeSets","aws-marketplace:DescribeChangeSet","aws-marketplace:StartChangeSet",
 "aws-marketplace:CancelChangeSet","aws-marketplace:ListEntities","aws-marketplace:DescribeEntity","aws-marketplace:GetSellerDashboard",
 "aws-marketplace:ListAssessments","aws-marketplace:DescribeAssessment","ec2:DescribeImages","ec2:DescribeSnapshots",
 "ec2:ModifyImageAttribute","ec2:ModifySnapshotAttribute"],"Resource":"*"},
{"Sid":"AgreementAccess","Effect":"Allow","Action":["aws-marketplace:SearchAgreements","aws-marketplace:DescribeAgreement","aws-marketplace:GetAgreementTerms"],
 "Resource":"*","Condition":{"StringEquals":{"aws-marketplace:PartyType":"Proposer"},"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":["PurchaseAgreement"]}}},
{"Sid":"IAMGetRole","Effect":"Allow","Action":["iam:GetRole"],"Resource":"arn:aws:iam::*:role/*"},
{"Sid":"AssetScanning","Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::*:role/*",
 "Condition":{"StringEquals":{"iam:PassedToService":"assets.marketplace.amazonaws.com"}}},
{"Sid":"VendorInsights","Effect":"Allow","Action":["vendor-insights:GetDataSource","vendor-insights:ListDataSources","vendor-insights:ListSecurityProfiles",
 "vendor-insights:GetSecurityProfile","vendor-insights:GetSecurityProfileSnapshot","vendor-insights:ListSecurityProfileSnapshots"],"Resource":"*"},
{"Sid":"TagManagement","Effect":"Allow","Action":["aws-marketplace:TagResource","aws-marketplace:UntagResource","aws-marketplace:ListTagsForResource"],
 "Resource":["arn:aws:aws-marketplace:*:*:AWSMarketplace*/*","arn:aws:aws-marketplace:*:*:catalog/AWSMarketplace*/*"]},
{"Sid":"SellerSettings","Effect":"Allow","Action":["aws-marketplace-management:GetSellerVerificationDetails","aws-marketplace-management:PutSellerVerificationDetails",
 "aws-marketplace-management:GetBankAccountVerificationDetails","aws-marketplace-management:PutBankAccountVerificationDetails",
 "aws-marketplace-management:GetSecondaryUserVerificationDetails","aws-marketplace-management:PutSecondaryUserVerificationDetails",
 "aws-marketplace-management:GetAdditionalSellerNotificationRecipients","aws-marketplace-management:PutAdditionalSellerNotificationRecipients",
 "payments:GetPaymentInstrument","payments:CreatePaymentInstrument","tax:GetTaxInterview","tax:PutTaxInterview","tax:GetTaxInfoReportingDocument",
 "tax:ListSupplementalTaxRegistrations","tax:PutSupplementalTaxRegistration","tax:DeleteSupplementalTaxRegistration","tax:GetTaxRegistration",
 "aws-marketplace:ListPayables"],"Resource":"*"},
{"Sid":"InvoiceSubmissionManagement","Effect":"Allow","Action":["aws-marketplace:StartInvoiceSubmissionTask","aws-marketplace:GetInvoiceSubmissionTask",
 "aws-marketplace:ListInvoiceSubmissionTasks"],"Resource":"arn:aws:aws-marketplace:*:*:catalog/AWSMarketplace*/invoice-submission-task/*"},
{"Sid":"Support","Effect":"Allow","Action":["support:CreateCase"],"Resource":"*"},
{"Sid":"ResourcePolicyManagement","Effect":"Allow","Action":["aws-marketplace:GetResourcePolicy","aws-marketplace:PutResourcePolicy","aws-marketplace:DeleteResourcePolicy"],
 "Resource":["arn:aws:aws-marketplace:*:*:AWSMarketplace*/*","arn:aws:aws-marketplace:*:*:catalog/AWSMarketplace*/*"]},
{"Sid":"CreateServiceLinkedRole","Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*",
 "Condition":{"StringEquals":{"iam:AWSServiceName":"resale-authorization.marketplace.amazonaws.com"}}},
{"Sid":"AgreementPaymentRequestAccess","Effect":"Allow","Action":["aws-marketplace:SendAgreementPaymentRequest","aws-marketplace:GetAgreementPaymentRequest",
 "aws-marketplace:ListAgreementPaymentRequests","aws-marketplace:CancelAgreementPaymentRequest"],"Resource":"*",
 "Condition":{"StringEquals":{"aws-marketplace:PartyType":"Proposer"},"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":["PurchaseAgreement"]}}},
{"Effect":"Allow","Action":["q:StartConversation","q:SendMessage","q:GetConversation","q:ListConversations","q:PassRequest"],"Resource":"*"},
{"Sid":"VerificationAccess","Effect":"Allow","Action":["partnercentral:StartVerification","partnercentral:GetVerification"],"Resource":"*"},
{"Sid":"AWSMarketplaceAgreementsCancellationAndAdjustmentAccess","Effect":"Allow","Action":["aws-marketplace:ListAgreementInvoiceLineItems",
 "aws-marketplace:ListBillingAdjustmentRequests","aws-marketplace:GetBillingAdjustmentRequest","aws-marketplace:BatchCreateBillingAdjustmentRequest",
 "aws-marketplace:ListAgreementCancellationRequests","aws-marketplace:GetAgreementCancellationRequest","aws-marketplace:SendAgreementCancellationRequest",
 "aws-marketplace:CancelAgreementCancellationRequest"],"Resource":"*",
 "Condition":{"StringEquals":{"aws-marketplace:PartyType":"Proposer"},"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":["PurchaseAgreement"]}}}]}`,

	"AWSMarketplaceSellerProductsFullAccess": `{"Version":"2012-10-17","Statement":[
{"Sid":"MarketplaceListAccess","Effect":"Allow","Action":["aws-marketplace:ListChangeSets","aws-marketplace:ListEntities","aws-marketplace:ListAssessments"],"Resource":"*"},
{"Sid":"MarketplaceResourceAccess","Effect":"Allow","Action":["aws-marketplace:DescribeChangeSet","aws-marketplace:StartChangeSet","aws-marketplace:CancelChangeSet",
 "aws-marketplace:DescribeEntity"],"Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace*/*"},
{"Sid":"MarketplaceAssessmentAccess","Effect":"Allow","Action":["aws-marketplace:DescribeAssessment"],"Resource":"*"},
{"Sid":"EC2ResourceAccess","Effect":"Allow","Action":["ec2:DescribeImages","ec2:DescribeSnapshots","ec2:ModifyImageAttribute","ec2:ModifySnapshotAttribute"],"Resource":"*"},
{"Sid":"GetIAMRoleAccess","Effect":"Allow","Action":["iam:GetRole"],"Resource":"arn:aws:iam::*:role/*"},
{"Sid":"IAMPassRoleAccess","Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::*:role/*",
 "Condition":{"StringEquals":{"iam:PassedToService":"assets.marketplace.amazonaws.com"}}},
{"Sid":"VendorInsightsAccess","Effect":"Allow","Action":["vendor-insights:GetDataSource","vendor-insights:ListDataSources","vendor-insights:ListSecurityProfiles",
 "vendor-insights:GetSecurityProfile","vendor-insights:GetSecurityProfileSnapshot","vendor-insights:ListSecurityProfileSnapshots"],"Resource":"*"},
{"Sid":"TagAccess","Effect":"Allow","Action":["aws-marketplace:TagResource","aws-marketplace:UntagResource","aws-marketplace:ListTagsForResource"],
 "Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace*/*"},
{"Sid":"ResourceSharingAccess","Effect":"Allow","Action":["aws-marketplace:GetResourcePolicy","aws-marketplace:PutResourcePolicy","aws-marketplace:DeleteResourcePolicy"],
 "Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace*/*"},
{"Sid":"MarketplaceEphemeralWriteS3Access","Effect":"Allow","Action":["s3:PutObject"],
 "Resource":["arn:aws:s3:::aws-partner-central-marketplace-ephemeral-writeonly-files/${aws:PrincipalAccount}/*"]},
{"Sid":"LegacyPartnerCentralAccess","Effect":"Allow","Action":["partnercentral-account-management:AccessLegacyPartnerCentral"],"Resource":"*",
 "Condition":{"ForAnyValue:StringEquals":{"partnercentral-account-management:LegacyPartnerCentralRole":"TechnicalStaff"}}}]}`,

	"AWSMarketplaceSellerProductsReadOnly": `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["aws-marketplace:ListChangeSets","aws-marketplace:DescribeChangeSet","aws-marketplace:ListEntities","aws-marketplace:DescribeEntity",
 "aws-marketplace:ListAssessments","aws-marketplace:DescribeAssessment","ec2:DescribeImages","ec2:DescribeSnapshots"],"Resource":"*"},
{"Effect":"Allow","Action":["aws-marketplace:ListTagsForResource"],"Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/*"},
{"Effect":"Allow","Action":["aws-marketplace:GetResourcePolicy"],"Resource":"arn:aws:aws-marketplace:*:*:AWSMarketplace/*"}]}`,

	"AWSMarketplaceSellerOfferManagement": `{"Version":"2012-10-17","Statement":[
{"Sid":"AWSMarketplaceChangeSetReadAccess","Effect":"Allow","Action":["aws-marketplace:DescribeChangeSet","aws-marketplace:ListChangeSets"],"Resource":"*"},
{"Sid":"AWSMarketplaceOfferManagement","Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],
 "Resource":["arn:aws:aws-marketplace:*:*:AWSMarketplace/Offer/*","arn:aws:aws-marketplace:*:*:AWSMarketplace/ChangeSet/*"]},
{"Sid":"AWSMarketplaceCreateOfferOnProduct","Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],"Resource":"*",
 "Condition":{"StringEquals":{"catalog:ChangeType":"CreateOfferOnProduct"}}},
{"Sid":"AWSMarketplaceListEntities","Effect":"Allow","Action":["aws-marketplace:ListEntities"],"Resource":"*"},
{"Sid":"AWSMarketplaceEntitiesReadAccess","Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],
 "Resource":["arn:aws:aws-marketplace:*:*:AWSMarketplace/Offer/*","arn:aws:aws-marketplace:*:*:AWSMarketplace/ContainerProduct/*",
  "arn:aws:aws-marketplace:*:*:AWSMarketplace/ProfessionalServicesProduct/*","arn:aws:aws-marketplace:*:*:AWSMarketplace/SaaSProduct/*",
  "arn:aws:aws-marketplace:*:*:AWSMarketplace/AmiProduct/*","arn:aws:aws-marketplace:*:*:AWSMarketplace/ResaleAuthorization/*"]},
{"Sid":"AWSMarketplaceAgreementsReadAccess","Effect":"Allow","Action":["aws-marketplace:SearchAgreements","aws-marketplace:DescribeAgreement",
 "aws-marketplace:GetAgreementTerms"],"Resource":"*",
 "Condition":{"StringEquals":{"aws-marketplace:PartyType":"Proposer"},"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":["PurchaseAgreement"]}}},
{"Sid":"AWSMarketplaceAgreementsCancellationAndAdjustmentReadAccess","Effect":"Allow","Action":["aws-marketplace:ListAgreementInvoiceLineItems",
 "aws-marketplace:ListBillingAdjustmentRequests","aws-marketplace:GetBillingAdjustmentRequest","aws-marketplace:ListAgreementCancellationRequests",
 "aws-marketplace:GetAgreementCancellationRequest"],"Resource":"*",
 "Condition":{"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":["PurchaseAgreement"]},"StringEquals":{"aws-marketplace:PartyType":"Proposer"}}}]}`,

	"AWSMarketplaceMeteringFullAccess":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:MeterUsage"],"Resource":"*"}]}`,
	"AWSMarketplaceMeteringRegisterUsage": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:RegisterUsage"],"Resource":"*"}]}`,
}

// managed holds the parsed documents; a document that does not parse is a programming error.
var managed = func() map[string]*Policy {
	out := make(map[string]*Policy, len(managedDocs))
	for name, doc := range managedDocs {
		p, err := parseDocument(doc)
		if err != nil {
			panic("managed policy " + name + ": " + err.Error())
		}
		out[name] = p
	}
	return out
}()

// Managed returns the built-in managed policy called name (with or without the
// arn:aws:iam::aws:policy/ prefix).
func Managed(name string) (*Policy, bool) {
	p, ok := managed[strings.TrimPrefix(name, ManagedPrefix)]
	return p, ok
}

// ManagedPrefix starts the ARN of an AWS managed policy.
const ManagedPrefix = "arn:aws:iam::aws:policy/"

// ManagedNames lists the built-in managed policies, sorted.
func ManagedNames() []string {
	names := make([]string, 0, len(managed))
	for n := range managed {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Resolve reads a key's policy setting: "" is no policy (nil: full access for the role), a
// managed policy's name or ARN is that policy, anything else must be a JSON policy document.
func Resolve(s string) (*Policy, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if p, ok := Managed(s); ok {
		return p, nil
	}
	if !strings.HasPrefix(s, "{") {
		return nil, fieldErr("policy", "%q is neither a JSON policy document nor a managed policy (%s)",
			s, strings.Join(ManagedNames(), ", "))
	}
	return Parse(s)
}
