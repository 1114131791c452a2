"""The part of NerdGraph's published schema that monitorc uses: the alert policy and NRQL
condition queries and mutations, with their argument, input and output types as New Relic's
GraphQL schema declares them (names, nullability, enum values). The fake NerdGraph checks every
request against these tables, as a GraphQL server validates a document against its schema."""

SCALARS = {"Int", "Float", "String", "Boolean", "ID", "Seconds", "EpochMilliseconds"}

ENUMS = {
    "AlertsIncidentPreference": {"PER_CONDITION", "PER_CONDITION_AND_TARGET", "PER_POLICY"},
    "AlertsNrqlConditionTermsOperator": {"ABOVE", "ABOVE_OR_EQUALS", "BELOW", "BELOW_OR_EQUALS", "EQUALS", "NOT_EQUALS"},
    "AlertsNrqlConditionPriority": {"CRITICAL", "WARNING"},
    "AlertsNrqlConditionThresholdOccurrences": {"ALL", "AT_LEAST_ONCE"},
    "AlertsNrqlBaselineDirection": {"LOWER_ONLY", "UPPER_AND_LOWER", "UPPER_ONLY"},
    "AlertsSignalAggregationMethod": {"CADENCE", "EVENT_FLOW", "EVENT_TIMER"},
    "AlertsFillOption": {"LAST_VALUE", "NONE", "STATIC"},
    "AlertsNrqlConditionType": {"BASELINE", "OUTLIER", "STATIC"},
    "AlertsNrqlStaticConditionValueFunction": {"SINGLE_VALUE", "SUM"},
}

_CONDITION_COMMON = {
    "description": "String", "runbookUrl": "String", "titleTemplate": "String",
    "violationTimeLimitSeconds": "Int", "expiration": "AlertsNrqlConditionExpirationInput",
}

INPUTS = {
    "AlertsPoliciesSearchCriteriaInput": {"ids": "[ID!]", "name": "String", "nameLike": "String"},
    "AlertsNrqlConditionsSearchCriteriaInput": {"name": "String", "nameLike": "String", "policyId": "ID",
                                                "query": "String", "queryLike": "String"},
    "AlertsPolicyInput": {"name": "String!", "incidentPreference": "AlertsIncidentPreference!"},
    "AlertsNrqlConditionCreateQueryInput": {"query": "String!", "dataAccountId": "Int", "evaluationOffset": "Int"},
    "AlertsNrqlConditionUpdateQueryInput": {"query": "String", "dataAccountId": "Int", "evaluationOffset": "Int"},
    "AlertsNrqlConditionTermsInput": {"operator": "AlertsNrqlConditionTermsOperator!", "priority": "AlertsNrqlConditionPriority",
                                      "threshold": "Float!", "thresholdDuration": "Int!",
                                      "thresholdOccurrences": "AlertsNrqlConditionThresholdOccurrences!"},
    "AlertsNrqlConditionCreateSignalInput": {"aggregationWindow": "Seconds", "aggregationMethod": "AlertsSignalAggregationMethod",
                                             "aggregationDelay": "Seconds", "aggregationTimer": "Seconds",
                                             "fillOption": "AlertsFillOption", "fillValue": "Float", "slideBy": "Seconds",
                                             "evaluationDelay": "Seconds", "evaluationOffset": "Int"},
    "AlertsNrqlConditionUpdateSignalInput": {"aggregationWindow": "Seconds", "aggregationMethod": "AlertsSignalAggregationMethod",
                                             "aggregationDelay": "Seconds", "aggregationTimer": "Seconds",
                                             "fillOption": "AlertsFillOption", "fillValue": "Float", "slideBy": "Seconds",
                                             "evaluationDelay": "Seconds", "evaluationOffset": "Int"},
    "AlertsNrqlConditionExpirationInput": {"expirationDuration": "Seconds", "openViolationOnExpiration": "Boolean",
                                           "closeViolationsOnExpiration": "Boolean", "ignoreOnExpectedTermination": "Boolean"},
    "AlertsNrqlConditionStaticInput": dict(_CONDITION_COMMON, name="String!", enabled="Boolean!",
                                           nrql="AlertsNrqlConditionCreateQueryInput!", terms="[AlertsNrqlConditionTermsInput!]!",
                                           signal="AlertsNrqlConditionCreateSignalInput",
                                           valueFunction="AlertsNrqlStaticConditionValueFunction"),
    "AlertsNrqlConditionBaselineInput": dict(_CONDITION_COMMON, name="String!", enabled="Boolean!",
                                             nrql="AlertsNrqlConditionCreateQueryInput!", terms="[AlertsNrqlConditionTermsInput!]!",
                                             signal="AlertsNrqlConditionCreateSignalInput",
                                             baselineDirection="AlertsNrqlBaselineDirection!"),
    "AlertsNrqlConditionUpdateStaticInput": dict(_CONDITION_COMMON, name="String", enabled="Boolean",
                                                 nrql="AlertsNrqlConditionUpdateQueryInput", terms="[AlertsNrqlConditionTermsInput!]",
                                                 signal="AlertsNrqlConditionUpdateSignalInput",
                                                 valueFunction="AlertsNrqlStaticConditionValueFunction"),
    "AlertsNrqlConditionUpdateBaselineInput": dict(_CONDITION_COMMON, name="String", enabled="Boolean",
                                                   nrql="AlertsNrqlConditionUpdateQueryInput", terms="[AlertsNrqlConditionTermsInput!]",
                                                   signal="AlertsNrqlConditionUpdateSignalInput",
                                                   baselineDirection="AlertsNrqlBaselineDirection"),
}

# Output types: field -> (type, {argument: type}).
_CONDITION_FIELDS = {
    "id": ("ID!", {}), "name": ("String!", {}), "type": ("AlertsNrqlConditionType!", {}), "policyId": ("ID!", {}),
    "enabled": ("Boolean!", {}), "description": ("String", {}), "runbookUrl": ("String", {}), "titleTemplate": ("String", {}),
    "violationTimeLimitSeconds": ("Int", {}), "nrql": ("AlertsNrqlConditionQuery!", {}),
    "terms": ("[AlertsNrqlConditionTerms!]!", {}), "signal": ("AlertsNrqlConditionSignal", {}),
    "expiration": ("AlertsNrqlConditionExpiration", {}), "entityGuid": ("EntityGuid!", {}),
}
OBJECTS = {
    "Query": {"actor": ("Actor", {})},
    "Actor": {"account": ("Account", {"id": "Int!"})},
    "Account": {"id": ("Int!", {}), "name": ("String!", {}), "alerts": ("AlertsAccountStitchedFields", {})},
    "AlertsAccountStitchedFields": {
        "policiesSearch": ("AlertsPoliciesSearchResultSet", {"cursor": "String", "searchCriteria": "AlertsPoliciesSearchCriteriaInput"}),
        "nrqlConditionsSearch": ("AlertsNrqlConditionsSearchResultSet",
                                 {"cursor": "String", "searchCriteria": "AlertsNrqlConditionsSearchCriteriaInput"}),
    },
    "AlertsPoliciesSearchResultSet": {"nextCursor": ("String", {}), "policies": ("[AlertsPolicy!]!", {}), "totalCount": ("Int!", {})},
    "AlertsPolicy": {"id": ("ID!", {}), "name": ("String!", {}), "incidentPreference": ("AlertsIncidentPreference!", {}),
                     "accountId": ("Int!", {})},
    "AlertsNrqlConditionsSearchResultSet": {"nextCursor": ("String", {}), "nrqlConditions": ("[AlertsNrqlCondition]", {}),
                                            "totalCount": ("Int", {})},
    "AlertsNrqlCondition": _CONDITION_FIELDS,
    "AlertsNrqlStaticCondition": dict(_CONDITION_FIELDS, valueFunction=("AlertsNrqlStaticConditionValueFunction", {})),
    "AlertsNrqlBaselineCondition": dict(_CONDITION_FIELDS, baselineDirection=("AlertsNrqlBaselineDirection!", {})),
    "AlertsNrqlConditionQuery": {"query": ("String!", {}), "dataAccountId": ("Int", {}), "evaluationOffset": ("Int", {})},
    "AlertsNrqlConditionTerms": {"operator": ("AlertsNrqlConditionTermsOperator!", {}), "priority": ("AlertsNrqlConditionPriority!", {}),
                                 "threshold": ("Float", {}), "thresholdDuration": ("Int", {}),
                                 "thresholdOccurrences": ("AlertsNrqlConditionThresholdOccurrences!", {})},
    "AlertsNrqlConditionSignal": {"aggregationWindow": ("Seconds", {}), "aggregationMethod": ("AlertsSignalAggregationMethod", {}),
                                  "aggregationDelay": ("Seconds", {}), "aggregationTimer": ("Seconds", {}),
                                  "fillOption": ("AlertsFillOption", {}), "fillValue": ("Float", {}), "slideBy": ("Seconds", {}),
                                  "evaluationDelay": ("Seconds", {}), "evaluationOffset": ("Int", {})},
    "AlertsNrqlConditionExpiration": {"expirationDuration": ("Seconds", {}), "openViolationOnExpiration": ("Boolean!", {}),
                                      "closeViolationsOnExpiration": ("Boolean!", {}), "ignoreOnExpectedTermination": ("Boolean!", {})},
    "AlertsConditionDeleteResponse": {"id": ("ID!", {})},
    "Mutation": {
        "alertsPolicyCreate": ("AlertsPolicy", {"accountId": "Int!", "policy": "AlertsPolicyInput!"}),
        "alertsNrqlConditionStaticCreate": ("AlertsNrqlStaticCondition",
                                            {"accountId": "Int!", "policyId": "ID!", "condition": "AlertsNrqlConditionStaticInput!"}),
        "alertsNrqlConditionStaticUpdate": ("AlertsNrqlStaticCondition",
                                            {"accountId": "Int!", "id": "ID!", "condition": "AlertsNrqlConditionUpdateStaticInput!"}),
        "alertsNrqlConditionBaselineCreate": ("AlertsNrqlBaselineCondition",
                                              {"accountId": "Int!", "policyId": "ID!", "condition": "AlertsNrqlConditionBaselineInput!"}),
        "alertsNrqlConditionBaselineUpdate": ("AlertsNrqlBaselineCondition",
                                              {"accountId": "Int!", "id": "ID!", "condition": "AlertsNrqlConditionUpdateBaselineInput!"}),
        "alertsConditionDelete": ("AlertsConditionDeleteResponse", {"accountId": "Int!", "id": "ID!"}),
    },
}
SCALARS.add("EntityGuid")
INTERFACES = {"AlertsNrqlCondition": {"AlertsNrqlStaticCondition", "AlertsNrqlBaselineCondition"}}


def named(t):
    return t.replace("[", "").replace("]", "").replace("!", "")
