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


# ---- dashboards: entity search and read, dashboardCreate / dashboardUpdate / dashboardDelete ----
# DashboardWidgetRawConfiguration is a JSON scalar (any object); EntityGuid a string.
SCALARS.update({"DashboardWidgetRawConfiguration", "DateTime"})
ENUMS.update({
    "DashboardPermissions": {"PRIVATE", "PUBLIC_READ_ONLY", "PUBLIC_READ_WRITE"},
    "DashboardEntityPermissions": {"PRIVATE", "PUBLIC_READ_ONLY", "PUBLIC_READ_WRITE"},
    "DashboardCreateErrorType": {"INVALID_INPUT"},
    "DashboardUpdateErrorType": {"FORBIDDEN_OPERATION", "INVALID_INPUT"},
    "DashboardDeleteErrorType": {"DASHBOARD_NOT_FOUND", "FORBIDDEN_OPERATION"},
    "DashboardDeleteResultStatus": {"FAILURE", "SUCCESS"},
})
INPUTS.update({
    "DashboardInput": {"name": "String!", "description": "String", "permissions": "DashboardPermissions!",
                       "pages": "[DashboardPageInput!]!"},
    "DashboardPageInput": {"name": "String!", "description": "String", "guid": "EntityGuid", "widgets": "[DashboardWidgetInput!]!"},
    "DashboardWidgetInput": {"id": "ID", "title": "String", "visualization": "DashboardWidgetVisualizationInput",
                             "layout": "DashboardWidgetLayoutInput", "rawConfiguration": "DashboardWidgetRawConfiguration",
                             "linkedEntityGuids": "[EntityGuid!]"},
    "DashboardWidgetVisualizationInput": {"id": "String"},
    "DashboardWidgetLayoutInput": {"column": "Int", "row": "Int", "width": "Int", "height": "Int"},
})
_ENTITY_FIELDS = {"guid": ("EntityGuid!", {}), "name": ("String!", {}), "accountId": ("Int!", {}), "type": ("String!", {}),
                  "entityType": ("EntityType", {})}
_DASHBOARD_ERROR = {"description": ("String", {})}
OBJECTS["Actor"].update({
    "entitySearch": ("EntitySearch", {"query": "String"}),
    "entities": ("[Entity]", {"guids": "[EntityGuid]!"}),
    "entity": ("Entity", {"guid": "EntityGuid!"}),
})
OBJECTS.update({
    "EntitySearch": {"count": ("Int", {}), "query": ("String", {}), "results": ("EntitySearchResult", {"cursor": "String"})},
    "EntitySearchResult": {"nextCursor": ("String", {}), "entities": ("[EntityOutline!]!", {})},
    "EntityOutline": _ENTITY_FIELDS,
    "DashboardEntityOutline": dict(_ENTITY_FIELDS, dashboardParentGuid=("EntityGuid", {}),
                                   permissions=("DashboardEntityPermissions", {})),
    "Entity": _ENTITY_FIELDS,
    "DashboardEntity": dict(_ENTITY_FIELDS, description=("String", {}), permissions=("DashboardEntityPermissions", {}),
                            dashboardParentGuid=("EntityGuid", {}), pages=("[DashboardPage!]", {}),
                            createdAt=("DateTime", {}), updatedAt=("DateTime", {})),
    "DashboardPage": {"guid": ("EntityGuid!", {}), "name": ("String", {}), "description": ("String", {}),
                      "widgets": ("[DashboardWidget!]!", {}), "createdAt": ("DateTime", {}), "updatedAt": ("DateTime", {})},
    "DashboardWidget": {"id": ("ID!", {}), "title": ("String", {}), "visualization": ("DashboardWidgetVisualization!", {}),
                        "layout": ("DashboardWidgetLayout", {}), "rawConfiguration": ("DashboardWidgetRawConfiguration!", {})},
    "DashboardWidgetVisualization": {"id": ("String", {})},
    "DashboardWidgetLayout": {"column": ("Int", {}), "row": ("Int", {}), "width": ("Int", {}), "height": ("Int", {})},
    "DashboardEntityResult": {"guid": ("EntityGuid", {}), "name": ("String", {}), "accountId": ("Int", {}),
                              "description": ("String", {}), "permissions": ("DashboardPermissions", {}),
                              "pages": ("[DashboardPage!]", {})},
    "DashboardCreateResult": {"entityResult": ("DashboardEntityResult", {}), "errors": ("[DashboardCreateError!]", {})},
    "DashboardUpdateResult": {"entityResult": ("DashboardEntityResult", {}), "errors": ("[DashboardUpdateError!]", {})},
    "DashboardDeleteResult": {"status": ("DashboardDeleteResultStatus", {}), "errors": ("[DashboardDeleteError!]", {})},
    "DashboardCreateError": dict(_DASHBOARD_ERROR, type=("DashboardCreateErrorType!", {})),
    "DashboardUpdateError": dict(_DASHBOARD_ERROR, type=("DashboardUpdateErrorType!", {})),
    "DashboardDeleteError": dict(_DASHBOARD_ERROR, type=("DashboardDeleteErrorType!", {})),
})
ENUMS["EntityType"] = {"DASHBOARD_ENTITY", "APM_APPLICATION_ENTITY", "GENERIC_ENTITY"}
OBJECTS["Mutation"].update({
    "dashboardCreate": ("DashboardCreateResult", {"accountId": "Int!", "dashboard": "DashboardInput!"}),
    "dashboardUpdate": ("DashboardUpdateResult", {"guid": "EntityGuid!", "dashboard": "DashboardInput!"}),
    "dashboardDelete": ("DashboardDeleteResult", {"guid": "EntityGuid!"}),
})
INTERFACES.update({"EntityOutline": {"DashboardEntityOutline"}, "Entity": {"DashboardEntity"}})
