package dev.wxacode;

import java.util.List;

import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * Rules an edit of the routes must keep, checked as each route is loaded (at start, and at every
 * reload): a route that breaks one is refused with the rule and why, instead of failing later on
 * some request in a way that hides the cause.
 */
public final class RouteRules implements ModelLifecycleStrategy {

    enum Position { FIRST, LAST }

    record Rule(String routeId, String stepId, Position position, String why) {
    }

    static final List<Rule> RULES = List.of(
            new Rule("generate-wxacode", "forget-last-attempt", Position.FIRST,
                    "it clears what a failed attempt left behind, and a retry starts the route again"),
            new Rule("get-code", "require-image", Position.LAST,
                    "without it a second refused token reaches the S3 put without an image"));

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        for (Rule rule : RULES) {
            if (rule.routeId().equals(route.getRouteId())) {
                check(route, rule);
            }
        }
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition route) {
        // nothing to keep
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
        // the routes use no templates
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
        // the routes use no templates
    }

    private static void check(RouteDefinition route, Rule rule) {
        List<ProcessorDefinition<?>> steps = route.getOutputs();
        ProcessorDefinition<?> step = steps.isEmpty() ? null
                : rule.position() == Position.FIRST ? steps.get(0) : steps.get(steps.size() - 1);
        if (step == null || !rule.stepId().equals(step.getId())) {
            throw new IllegalArgumentException("route " + rule.routeId() + " must have step " + rule.stepId() + " "
                    + rule.position().name().toLowerCase() + " (docs/routes.md, \"Rules\"): " + rule.why()
                    + "; found " + (step == null ? "no step" : step.getId()));
        }
    }
}
