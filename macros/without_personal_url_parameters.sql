{#-
    A page or referrer URL with the values of personal query parameters replaced by `redacted`: parameters
    named like e-mail, name, phone, address, token, password, key, IP address or search terms (`q`, `query`,
    `search`: what people type includes names), and any value holding an e-mail address (`@` or `%40`). Paths
    and other parameters stay, so page and campaign analysis still works.
-#}
{% macro without_personal_url_parameters(column) -%}
    {{ return(adapter.dispatch('without_personal_url_parameters', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro personal_url_parameter_pattern() -%}
    ([?&;#](?:e[-_]?mail|email[-_]?address|mail|(?:first|last|full|user|display|sur)?[-_]?name|phone(?:[-_]?number)?|tel|mobile|cell|(?:street[-_]?)?address|zip|postcode|dob|birth[-_]?date|ssn|(?:access|auth|id|refresh|session)?[-_]?token|password|passwd|pwd|secret|api[-_]?key|key|q|query|search|search[-_]?term|keywords?|ip|ip[-_]?address)=)[^&#;]*|([?&;#][^=&#;]*=)[^&#;]*(?:@|%40)[^&#;]*
{%- endmacro %}

{% macro default__without_personal_url_parameters(column) -%}
    case
        when {{ column }} like '%=%'
            then regexp_replace({{ column }}, '(?i){{ personal_url_parameter_pattern() }}', '$1$2redacted')
        else {{ column }}
    end
{%- endmacro %}

{% macro duckdb__without_personal_url_parameters(column) -%}
    case
        when {{ column }} like '%=%'
            then regexp_replace({{ column }}, '{{ personal_url_parameter_pattern() }}', '\1\2redacted', 'gi')
        else {{ column }}
    end
{%- endmacro %}
