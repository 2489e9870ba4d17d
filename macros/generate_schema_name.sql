{#- Folder name = schema = Dagster group: models/staging/app -> staging, seeds -> reference. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is not none -%}
        {{ custom_schema_name | trim }}
    {%- elif node.resource_type == 'model' -%}
        {{ node.fqn[1] }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
