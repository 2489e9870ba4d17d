{#- The first channel in `preference` the customer consented to, or null (unsubscribed customers get none). -#}
{% macro consented_channel(preference) -%}
    case
        when has_unsubscribed then null
        {%- for channel in preference %}
        when consent_{{ channel }} then '{{ channel }}'
        {%- endfor %}
    end
{%- endmacro %}
